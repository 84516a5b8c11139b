"""A hostile site for the demo web: thousands of soft-404s, a gzip bomb, redirects off the web, a few real reports.

`hostile_web(n_soft=10_000)` gives a DemoCorpus of one generic-family site
and the FaultPlan that makes it hostile (crawler/demo/faults.py): its report
column lists, 100 links a page, `n_soft` pages titled as reports that answer
a soft-404 or a title-only stub, a page that is a gzip bomb (served with an
ETag, so a second crawl is answered 304 from the archive), pages that
redirect to themselves, to ``file:``, to ``localhost`` and to a link-local
address, optionally extractor bombs (crawler/demo/bombs.py) — and a few real
reports copied from the demo web, which must all be stored.

Serve it with ``DemoWeb(corpus, faults=plan)``.
"""

from __future__ import annotations

from pathlib import Path

from crawler.demo.faults import Fault, FaultPlan
from crawler.demo.model import Column, DemoCorpus, DemoReport, DemoSite, Page

SLUG = "hostile"
COLUMN = "/xxgk/nb/index.html"
PER_PAGE = 100
#: The redirect faults and what each is counted as.
REDIRECTS = {"redirect_self": "redirect_self", "redirect_file": "redirect_scheme",
             "redirect_local": "redirect_private", "redirect_link": "redirect_private"}


def _list_page(site_name: str, entries: list[tuple[str, str, str]], page: int, pages: int) -> bytes:
    items = "".join(f'<li><a href="{href}" title="{title}">{title}</a><span>{date}</span></li>'
                    for href, title, date in entries)
    nxt = f'<a href="index_{page + 1}.html">下一页</a>' if page < pages else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报-{site_name}</title></head>'
            f'<body><div class="header">{site_name}</div><div class="list"><ul>{items}</ul></div>'
            f'<div class="page">第{page}页 共{pages}页 {nxt}</div></body></html>').encode()


def _real_reports(corpus: DemoCorpus, count: int) -> list[tuple[DemoReport, Page]]:
    """`count` table reports of the demo web published as pages of their own (no attachment), with their bytes."""
    out = []
    for r in corpus.reports:
        site = corpus.site(r.site)
        page = site.pages.get(r.path)
        if (r.template in ("2019", "2021") and not r.attachment and site.family == "generic"
                and isinstance(page, Page) and page.status == 200):
            out.append((r, page))
        if len(out) == count:
            break
    return out


def hostile_web(n_soft: int = 10_000, *, seed_dir: Path | None = None, real: int = 3, bomb_bytes: int = 2**30,
                extractor_bombs: dict[str, tuple[bytes, str]] | None = None, neighbours: tuple[str, ...] = ()
                ) -> tuple[DemoCorpus, FaultPlan, dict[str, str]]:
    """(corpus, fault plan, {path: what it is}) of the hostile site.

    `extractor_bombs` maps a file name to (bytes, content type): each is
    listed as a report among the others (crawler/demo/bombs.py makes them).
    `neighbours` are demo sites (slugs) served beside it, unchanged: a crawl
    of all of them shows that the hostile site costs only itself.
    """
    from crawler.demo.generator import build_demo_web

    demo = build_demo_web(seed_dir)
    name = "恶意测试区人民政府"
    site = DemoSite(SLUG, name, "419999", "district", "generic", [Column("政府信息公开年报", "government", COLUMN)],
                    source="crawler/demo/hostile.py")
    plan = FaultPlan(conditional=True)
    kinds: dict[str, str] = {}
    entries: list[tuple[str, str, str]] = []
    reports: list[DemoReport] = []
    for i, (r, page) in enumerate(_real_reports(demo, real)):
        path = f"/xxgk/nb/real_{i}.html"
        site.pages[path] = page
        reports.append(DemoReport(SLUG, path, r.title, r.agency, r.body_level, r.year, r.template, r.published,
                                  r.gold, site.columns[0].name))
        entries.append((path, r.title, r.published))
        kinds[path] = "report"
    for kind in ("gzip_bomb", *REDIRECTS):
        path = f"/xxgk/nb/{kind}.html"
        site.pages[path] = Page(200, {"Content-Type": "text/html; charset=utf-8"}, b"<html></html>")
        plan.add(SLUG, path, Fault(kind, size=bomb_bytes))
        entries.append((path, f"{name}2023年政府信息公开工作年度报告（{kind}）", "2024-01-20"))
        kinds[path] = kind
    for fname, (data, ctype) in (extractor_bombs or {}).items():
        path = f"/xxgk/nb/files/{fname}"
        site.pages[path] = Page(200, {"Content-Type": ctype}, data)
        entries.append((path, f"{name}2022年政府信息公开工作年度报告（{fname}）", "2023-01-20"))
        kinds[path] = "extractor_bomb"
    for i in range(n_soft):
        kind = "soft_404" if i % 2 else "stub"
        path = f"/xxgk/nb/{2019 + i % 5}/t{i:05d}.html"
        plan.add(SLUG, path, Fault(kind))
        entries.append((path, f"{name}{2019 + i % 5}年政府信息公开工作年度报告（{i}）", f"{2020 + i % 5}-01-20"))
        kinds[path] = kind
    pages = max(1, -(-len(entries) // PER_PAGE))
    for p in range(1, pages + 1):
        path = COLUMN if p == 1 else COLUMN.replace("index.html", f"index_{p}.html")
        chunk = entries[(p - 1) * PER_PAGE:p * PER_PAGE]
        site.pages[path] = Page(200, {"Content-Type": "text/html; charset=utf-8"}, _list_page(name, chunk, p, pages))
    others = [demo.site(slug) for slug in neighbours]
    return (DemoCorpus([site, *others], reports + [r for r in demo.reports if r.site in neighbours]), plan, kinds)
