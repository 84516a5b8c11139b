"""Fault mode of the demo web: what real district sites answer on a bad night, and how they change.

A :class:`FaultPlan` given to ``DemoWeb(..., faults=plan)`` decides, per
request, whether a site answers with its stored page or with a fault:

===================  ==========================================================
kind                 answer
===================  ==========================================================
``slow``             the page, after ``seconds``
``hang``             nothing for ``seconds``, then the connection closes (a timeout)
``status``           ``status`` (500, 503 …) with ``Retry-After`` when given
``waf412``           瑞数-style challenge: HTTP 412, a ``$_ts`` script, no content
``waf521``           加速乐-style challenge: HTTP 521, a ``__jsl_clearance`` cookie script
``waf_aliyun``       Aliyun-style challenge: HTTP 200, an ``acw_sc__v2`` cookie script, no content
``truncated``        Content-Length larger than the bytes sent, then the connection closes
``gbk_as_utf8``      the page's text in GBK bytes, still declared UTF-8
``redirect_loop``    302 to the same path with ``?loop=N+1``, for ever
``oversized``        a ``size``-byte PDF (set it above DOWNLOAD_MAXSIZE)
``empty_column``     a redesigned list page: the site's chrome, no report links
``layout_changed``   the report with its tables rebuilt (div wrappers, th headers, p/span cells)
``soft_404``         200, the site's chrome and "对不起，您访问的页面不存在" under a report's title
``stub``             200, a report's title and date and nothing else (an emptied article)
``gzip_bomb``        200, ``Content-Encoding: gzip``: ``size`` bytes of zeros (~1/1000 on the wire)
``redirect_self``    302 to the very same URL
``redirect_file``    302 to ``file:///etc/passwd``
``redirect_local``   302 to ``http://localhost:<port>/`` (another name for the loopback host)
``redirect_link``    302 to ``http://169.254.169.254/latest/meta-data/`` (a link-local address)
===================  ==========================================================

``times`` limits a fault to the first N requests of the path (a 503 that
clears up); ``None`` keeps it for ever. With ``conditional=True`` (default)
every 200 page carries an ETag and a matching If-None-Match gets 304, as
nginx in front of a CMS does, so conditional GETs can be measured.

:func:`add_reports` and :func:`edit_report` change a running demo web between
crawls: N new reports on one site, or one report's numbers changed with its
list date moved to the edit day, as real CMSes do; the URL stays the same.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, fields
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from crawler.demo.articles import Article
from crawler.demo.model import DemoCorpus, DemoReport, DemoSite, Page

KINDS = ("slow", "hang", "status", "waf412", "waf521", "waf_aliyun", "truncated", "gbk_as_utf8", "redirect_loop",
         "oversized", "empty_column", "layout_changed", "soft_404", "stub", "gzip_bomb", "redirect_self",
         "redirect_file", "redirect_local", "redirect_link")
#: What the crawler's SiteHealthMiddleware calls each fault in crawl_sites.errors_json (None: no error).
ERROR_KIND = {"slow": None, "hang": "timeout", "waf412": "waf_blocked", "waf521": "waf_blocked", "waf_aliyun": "waf_blocked",
              "truncated": "truncated", "gbk_as_utf8": None, "redirect_loop": "redirect_loop",
              "oversized": "too_large", "empty_column": None, "layout_changed": None,
              "soft_404": None, "stub": None, "gzip_bomb": "too_large", "redirect_self": "redirect_self",
              "redirect_file": "redirect_scheme", "redirect_local": "redirect_private",
              "redirect_link": "redirect_private"}
EDIT_DAY = dt.date(2026, 11, 20)  # the day mutations happen on the demo web (its clock is fixed)


@dataclass
class Fault:
    """One fault on one path of one site."""

    kind: str
    times: int | None = None  # fault the first N requests only; None: every request
    seconds: float = 0.0  # slow / hang
    status: int = 503  # status
    retry_after: str | None = None  # status: the Retry-After header
    size: int = 0  # oversized, gzip_bomb: bytes (a bomb's once inflated)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r} (one of {', '.join(KINDS)})")

    @property
    def error_kind(self) -> str | None:
        """The crawl_sites error this fault is counted as (http_N for ``status``)."""
        return f"http_{self.status}" if self.kind == "status" else ERROR_KIND[self.kind]


@dataclass
class FaultPlan:
    """Faults by (site slug, path); ``path`` may carry a query (matched first) or not."""

    conditional: bool = True
    rules: dict[tuple[str, str], Fault] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)  # (slug, path) → faulty answers given
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, slug: str, path: str, fault: Fault) -> FaultPlan:
        self.rules[(slug, path)] = fault
        return self

    def take(self, slug: str, target: str) -> Fault | None:
        """The fault for this request, if any (counts it against ``times``)."""
        path = urlsplit(target).path
        with self._lock:
            for key in ((slug, target), (slug, path)):
                fault = self.rules.get(key)
                if fault is None:
                    continue
                if fault.times is not None and self.hits[key] >= fault.times:
                    return None
                self.hits[key] += 1
                return fault
        return None

    # -- answering -------------------------------------------------------------------
    def serve(self, handler: BaseHTTPRequestHandler, site: DemoSite, method: str, page: Page) -> bool:
        """Answer the request when a fault or a 304 applies; False: the server sends ``page`` as usual."""
        fault = self.take(site.slug, handler.path)
        if fault is not None:
            page = self._fault_page(handler, site, fault, page)
            if page is None:
                return True  # answered (or hung up) already
        if self.conditional and page.status == 200 and method == "GET":
            etag = '"' + hashlib.sha1(page.body).hexdigest()[:20] + '"'
            if handler.headers.get("If-None-Match") == etag:
                _send(handler, Page(304, {"ETag": etag}, b""), method)
                return True
            page = Page(page.status, {**page.headers, "ETag": etag}, page.body)
        _send(handler, page, method)
        return True

    def _fault_page(self, handler: BaseHTTPRequestHandler, site: DemoSite, fault: Fault, page: Page) -> Page | None:
        kind = fault.kind
        if kind == "slow":
            time.sleep(fault.seconds)
            return page
        if kind == "hang":
            time.sleep(fault.seconds)
            handler.close_connection = True
            return None
        if kind == "status":
            headers = {"Content-Type": "text/html; charset=utf-8"}
            if fault.retry_after is not None:
                headers["Retry-After"] = fault.retry_after
            body = f"<html><body><h1>{fault.status} 服务暂时不可用</h1></body></html>".encode()
            return Page(fault.status, headers, body)
        if kind == "waf412":
            return Page(412, {"Content-Type": "text/html; charset=utf-8",
                              "Set-Cookie": "FSSBBIl1UgzbN7N80S=demo; Path=/; HttpOnly"}, _RUISHU)
        if kind == "waf521":
            return Page(521, {"Content-Type": "text/html; charset=utf-8",
                              "Set-Cookie": "__jsluid_h=demo; path=/; HttpOnly"}, _JIASULE)
        if kind == "waf_aliyun":
            return Page(200, {"Content-Type": "text/html; charset=utf-8"}, _ALIYUN)
        if kind == "truncated":
            handler.send_response(page.status)
            for name, value in page.headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(page.body) + 4096))
            handler.send_header("Connection", "close")
            handler.end_headers()
            handler.wfile.write(page.body[: len(page.body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return None
        if kind == "gbk_as_utf8":
            text = page.body.decode("utf-8", "replace")
            return Page(page.status, {**page.headers, "Content-Type": "text/html; charset=utf-8"},
                        text.encode("gbk", "replace"))
        if kind == "redirect_loop":
            parts = urlsplit(handler.path)
            loops = int(dict(parse_qsl(parts.query)).get("loop", 0)) + 1
            return Page(302, {"Location": f"{parts.path}?loop={loops}", "Content-Type": "text/html"}, b"moved")
        if kind == "oversized":
            body = b"%PDF-1.4\n" + b"0" * max(0, fault.size - 9)
            return Page(200, {"Content-Type": "application/pdf"}, body)
        if kind == "empty_column":
            return Page(200, {"Content-Type": "text/html; charset=utf-8"}, _redesigned(site))
        if kind in ("soft_404", "stub"):
            return Page(200, {"Content-Type": "text/html; charset=utf-8"}, _not_there(site, handler.path, kind))
        if kind == "gzip_bomb":
            from crawler.demo.bombs import gzip_bomb

            return Page(200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
                        _cached(gzip_bomb, fault.size or 2**30))
        if kind.startswith("redirect_"):
            port = handler.server.server_address[1]
            target = {"redirect_self": handler.path, "redirect_file": "file:///etc/passwd",
                      "redirect_local": f"http://localhost:{port}/", "redirect_link":
                      "http://169.254.169.254/latest/meta-data/"}[kind]
            return Page(302, {"Location": target, "Content-Type": "text/html"}, b"moved")
        if kind == "layout_changed":
            return Page(page.status, page.headers, relayout(page.body))
        raise AssertionError(kind)


def _send(handler: BaseHTTPRequestHandler, page: Page, method: str) -> None:
    handler.send_response(page.status)
    for name, value in page.headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(page.body)))
    handler.end_headers()
    if method != "HEAD" and page.body:
        handler.wfile.write(page.body)


_RUISHU = (b'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
           b'<meta id="9DhefwqGPrzGxEp9hPaoag" content="OTk5OTk5OTk5OTk5OTk5OQ==" r="m">'
           b"<script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=12345;$_ts.cd=\"qEqtrrAlqqArcGlqxGAq\";"
           b"</script><script src=\"/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js\" r=\"m\"></script></head>"
           b"<body></body></html>")
_JIASULE = (b"<html><body><script>document.cookie=('__jsl_clearance_s=')+(+new Date()/1000|0)+"
            b"('.123|0|')+'demo'+(';Max-age=3600; path = /');location.href=location.pathname+location.search"
            b"</script></body></html>")

_ALIYUN = (b"<html><script>var arg1='3E40CA7B2A1E5B1C6F0D';function setCookie(name,value){document.cookie="
           b"name+'='+value+';path=/'}setCookie('acw_sc__v2','5f3a');document.location.reload();</script></html>")


def _redesigned(site: DemoSite) -> bytes:
    """A list page after a redesign: the new chrome loads everything by script, no report links."""
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{site.name}</title></head>'
            f'<body><div class="header">{site.name}（新版）</div><div id="app"></div>'
            '<script src="/static/js/chunk-vendors.8f3a.js"></script>'
            '<script src="/static/js/app.42c1.js"></script>'
            '<div class="footer"><a href="/">首页</a> <a href="/sitemap.html">网站地图</a></div>'
            "</body></html>").encode()


_BOMBS: dict[tuple, bytes] = {}


def _cached(make, size: int) -> bytes:
    """A bomb is built once per size (seconds for 10 GB) and served from memory."""
    key = (make.__name__, size)
    if key not in _BOMBS:
        _BOMBS[key] = make(size)
    return _BOMBS[key]


def _not_there(site: DemoSite, path: str, kind: str) -> bytes:
    """A soft-404 (the CMS's "page not found" at status 200) or a title-only stub, titled as a report."""
    year = 2019 + int(hashlib.sha1(path.encode()).hexdigest(), 16) % 5
    title = f"{site.name}{year}年政府信息公开工作年度报告"
    if kind == "stub":
        body = (f'<div class="article"><h1 class="title">{title}</h1><div class="info">发布时间：{year + 1}-01-20 '
                f'来源：{site.name}</div><div id="zoom"></div></div>')
    else:
        body = ('<div class="error"><img src="/images/404.png"><p>对不起，您访问的页面不存在或已被删除！</p>'
                '<p><a href="/">返回首页</a></p></div>')
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="ArticleTitle" content="{title}"></head><body><div class="header">{site.name}</div>'
            f'{body}<div class="footer">主办：{site.name}</div></body></html>').encode()


def relayout(body: bytes) -> bytes:
    """A template change: tables wrapped in new divs, header cells as th, cell text inside p/span."""
    charset = "gbk" if re.search(rb"charset=gb", body[:2000], re.I) else "utf-8"
    text = body.decode(charset, "replace")
    text = re.sub(r"<table([^>]*)>", r'<div class="xxgk-nb"><div class="tbl-wrap"><table\1 class="nb-table">', text)
    text = text.replace("</table>", "</table></div></div>")
    text = re.sub(r"<td([^>]*)>(.*?)</td>", r"<td\1><p><span>\2</span></p></td>", text, flags=re.S)
    return text.encode(charset, "replace")


# -- mutations between runs ----------------------------------------------------------------

@dataclass
class _Changes:
    added: int = 0
    edited: list[str] = field(default_factory=list)  # titles of edited reports, oldest edit first


_changes: dict[tuple[int, str], _Changes] = {}


class _EditedArticle(Article):
    """An article edited on EDIT_DAY: same URL (paths use ``published``), list date moved."""

    listed: dt.date = EDIT_DAY

    @property
    def date_iso(self) -> str:
        return self.listed.isoformat()


def add_reports(corpus: DemoCorpus, slug: str, count: int, seed_dir: Path | None = None) -> list[DemoReport]:
    """Publish ``count`` new reports on a site (top of their columns); returns them."""
    state = _changes.setdefault((id(corpus), slug), _Changes())
    before = {r.path for r in corpus.reports_of(slug)}
    state.added += count
    _rebuild(corpus, slug, state, seed_dir)
    return [r for r in corpus.reports_of(slug) if r.path not in before]


def edit_report(corpus: DemoCorpus, slug: str, seed_dir: Path | None = None) -> DemoReport:
    """Change the numbers of the site's newest tabular government report; its list date becomes EDIT_DAY."""
    state = _changes.setdefault((id(corpus), slug), _Changes())
    candidates = [r for r in corpus.reports_of(slug) if r.template and r.template != "legacy"]
    candidates = [r for r in candidates if r.body_level == "government" and r.title not in state.edited] or candidates
    target = max(candidates, key=lambda r: (r.published, r.path))
    state.edited.append(target.title)
    _rebuild(corpus, slug, state, seed_dir)
    return next(r for r in corpus.reports_of(slug) if r.path == target.path)


def _rebuild(corpus: DemoCorpus, slug: str, state: _Changes, seed_dir: Path | None) -> None:
    """Build the site again with its changes and swap its pages in place (a running server serves them)."""
    from crawler.demo import catalog

    spec = next(s for s in catalog.SITES if s.slug == slug)
    new_site, reports, decoys = build_variant(spec, seed_dir, added=state.added, edited=state.edited)
    site = corpus.site(slug)
    site.pages.clear()
    site.pages.update(new_site.pages)
    corpus.reports[:] = [r for r in corpus.reports if r.site != slug] + reports
    corpus.decoys[:] = [d for d in corpus.decoys if d.site != slug] + decoys


def build_variant(spec, seed_dir: Path | None, *, added: int = 0, edited: list[str] | tuple[str, ...] = ()
                  ) -> tuple[DemoSite, list[DemoReport], list]:
    """generator.build_site with ``added`` new reports and the reports titled ``edited`` edited.

    build_site runs as usual; only its family's ``build`` step is wrapped, to
    lay out the changed articles, so the variant follows the generator as it grows.
    """
    from crawler.demo import generator as g

    real = g.FAMILIES[spec.family]
    wrapper = _ChangingFamily(real, spec, added, list(edited))
    g.FAMILIES[spec.family] = wrapper
    try:
        site, reports, decoys, *_ = g.build_site(spec, seed_dir)
    finally:
        g.FAMILIES[spec.family] = real
    by_path = {a.path: a for a in wrapper.changed}
    out = [_demo_report(spec.slug, by_path[r.path]) if r.path in by_path else r for r in reports]
    out += [_demo_report(spec.slug, a) for a in wrapper.changed if a.path not in {r.path for r in reports}]
    return site, out, decoys


def _demo_report(slug: str, a: Article) -> DemoReport:
    gold = a.gold
    if gold.get("source") == "":
        gold["source"] = a.path
    return DemoReport(slug, a.path, a.title, gold.get("agency", a.agency), a.column.body_level, a.year or 0,
                      a.template or "", a.date_iso, gold, a.column.name)


class _ChangingFamily:
    """A family module whose ``build`` first adds and edits articles, then lays the site out as usual."""

    def __init__(self, real, spec, added: int, edited: list[str]):
        self.real, self.spec, self.added, self.edited = real, spec, added, edited
        self.changed: list[Article] = []  # new and edited articles, paths set after build

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def build(self, spec, site: DemoSite, grouped: list) -> None:
        from crawler import schema
        from crawler.demo import generator as g

        columns = [c for c, _ in grouped]
        levels = {c.body_level for c in columns}
        everything = [a for _, arts in grouped for a in arts]
        titles = {a.title for a in everything}
        uid = max((a.uid for a in everything), default=0)
        # new reports: bodies that did not publish a year, dated after everything (so their ids are the highest)
        new = []
        for year in sorted(g.YEARS, reverse=True):
            if len(new) >= self.added or schema.template_for_year(year) == "legacy":
                continue
            for body in spec.bodies:
                if len(new) >= self.added or body.level not in levels:
                    continue
                a = g._report_article(spec, g.column_for(columns, body), body, year, [])
                if a.title in titles:
                    continue
                titles.add(a.title)
                uid += 1
                a.published = EDIT_DAY + dt.timedelta(days=1 + len(new))
                a.gold["published"] = a.published.isoformat()
                a.uid = uid
                a.index_no = f"{spec.code}{columns.index(a.column) + 1:02d}/{a.published.year}-{uid:05d}"
                new.append(a)
        everything += new
        pairs = []
        for k, title in enumerate(self.edited):
            i = next(i for i, a in enumerate(everything) if a.title == title)
            pairs.append((everything[i], _edited(spec, everything[i], k)))
            everything[i] = pairs[-1][1]
        self.changed = new + [a for a in everything if isinstance(a, _EditedArticle)]

        def listed(a: Article) -> dt.date:
            return a.listed if isinstance(a, _EditedArticle) else a.published

        regrouped = [(c, sorted((a for a in everything if a.column is c), key=lambda a: (listed(a), a.uid),
                                reverse=True)) for c in columns]
        self.real.build(spec, site, regrouped)
        for a, b in pairs:
            a.path = b.path  # build_site lists its own objects: give them the URL the copy got


def _edited(spec, a: Article, k: int) -> _EditedArticle:
    """The article with new numbers (same title, agency, URL); its list date is EDIT_DAY."""
    from crawler.demo import generator as g
    from crawler.demo import numbers
    from crawler.demo.article import report_article
    from crawler.demo.style import PrintStyle

    rng = g._rng(spec.slug, "edit", a.title, k)
    level = a.gold.get("body_level") or a.column.body_level
    cells = numbers.report_cells(rng, a.template, level)
    html, gold_cells = report_article(rng, a.agency, a.year, a.template, cells, PrintStyle.draw(rng),
                                      rng.choice(("p", "h3", "h4")))
    b = _EditedArticle(**{f.name: getattr(a, f.name) for f in fields(Article)})
    b.body_html = html
    b.gold = {**a.gold, "cells": gold_cells, "published": EDIT_DAY.isoformat()}
    b.gold.pop("planted_findings", None)
    return b
