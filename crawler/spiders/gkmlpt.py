"""Guangdong gkmlpt (政府信息公开目录管理平台).

CMS:
    The platform every Guangdong government site runs under ``/gkmlpt/``
    (a town or department may have its own under ``/<unit>/gkmlpt/``).
    ``/gkmlpt/index`` holds ``window._CONFIG = {SID: 'NNN', …, TREE: [...]}``;
    TREE is the category tree (id, name, children). The JSON API
    ``/gkmlpt/api/all/{catId}?page=N&sid=SID`` returns
    ``classify.post_count`` and ``articles[]`` (id, title, publisher,
    identifier, created_at, url, post_url, attachment). Report pages are
    ``/gkmlpt/content/4/4688/post_4688997.html``; their body is JSON in
    ``_CONFIG.DETAIL.content`` and is also rendered in ``div.article-content``.

Sample sites:
    www.dabu.gov.cn (大埔县; 大麻镇 under ``/mzdpshzzf/gkmlpt/``),
    www.szlh.gov.cn (深圳 罗湖区), www.gz.gov.cn.

Caveats:
    A column URL may name its category in the fragment
    (``/gkmlpt/index#2590``) or be the API URL of one category
    (``/gkmlpt/api/all/2590?page=1&sid=NNN``); without either, the spider takes the TREE
    categories whose names say 年报/年度报告 and every sub-category below
    them (whether ``api/all`` of a parent includes its children is not
    known; report URLs seen twice are fetched once). Page size is the
    number of articles on page 1; pages = ceil(post_count / size).
    gd.gov.cn resets connections unless a browser User-Agent is sent (set
    ``settings.user_agent`` in the registry entry). The portal CMS of the
    same sites (``…/content/post_NNN.html`` outside ``/gkmlpt/``) is
    crawled with the ``generic`` family.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from scrapy.http import Request, Response

from crawler.spiders.base import ReportSpider
from crawler.spiders.entries import clean, is_decoy, is_report_title, parse_date

_SID_RE = re.compile(r"""SID\s*:\s*['"]?(\w+)""")
_CATEGORY_RE = re.compile(r"年报|年度报告")
CHINA = timedelta(hours=8)


def parse_sid(text: str) -> str | None:
    """The SID of ``window._CONFIG``."""
    m = _SID_RE.search(text)
    return m.group(1) if m else None


def _balanced(text: str, start: int) -> str | None:
    """The bracketed JSON text that opens at ``text[start]`` (``[`` or ``{``), strings respected."""
    opening = text[start]
    closing = {"[": "]", "{": "}"}[opening]
    depth, i, in_str, quote = 0, start, False, ""
    while i < len(text):
        ch = text[i]
        if in_str:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                in_str = False
        elif ch in "\"'":
            in_str, quote = True, ch
        elif ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return text[start : i + 1]
        i += 1
    return None


def parse_tree(text: str) -> list[dict]:
    """The TREE of ``window._CONFIG`` as a list of category dicts ([] when absent or unreadable)."""
    m = re.search(r"""['"]?TREE['"]?\s*:\s*\[""", text)
    if not m:
        return []
    raw = _balanced(text, m.end() - 1)
    if raw:
        try:
            tree = json.loads(raw)
            return tree if isinstance(tree, list) else []
        except json.JSONDecodeError:
            pass
    # A JS literal that is not JSON: fall back to flat id/name pairs.
    pairs = re.findall(r"""['"]?id['"]?\s*:\s*['"]?(\d+)['"]?\s*,\s*['"]?name['"]?\s*:\s*['"]([^'"]+)['"]""", raw or text)
    return [{"id": int(i), "name": name} for i, name in pairs]


def report_categories(tree: list[dict]) -> list[int]:
    """Ids of the categories whose name says 年报/年度报告, each followed by its sub-categories (decoys left out)."""
    out: list[int] = []
    for node in tree:
        name = clean(str(node.get("name", "")))
        if _CATEGORY_RE.search(name) and is_report_title(name, loose=True) and not node.get("jump_url"):
            out.append(int(node["id"]))
            out.extend(_descendants(node.get("children") or []))
        else:
            out.extend(report_categories(node.get("children") or []))
    return out


def _descendants(children: list[dict]) -> list[int]:
    """Ids of every sub-category below a 年报 category, except decoys and links elsewhere."""
    out: list[int] = []
    for node in children:
        name = clean(str(node.get("name", "")))
        if node.get("jump_url") or is_decoy(name):
            continue
        out.append(int(node["id"]))
        out.extend(_descendants(node.get("children") or []))
    return out


def article_date(value: Any) -> str | None:
    """``created_at`` of an article (epoch seconds, or a date string) as an ISO date in China time."""
    if isinstance(value, int | float) and value > 0:
        return (datetime.fromtimestamp(value, UTC) + CHINA).date().isoformat()
    if isinstance(value, str):
        if value.isdigit():
            return article_date(int(value))
        return parse_date(value)
    return None


def attachment_urls(value: Any) -> list[str]:
    """URLs in an article's ``attachment`` list (strings, or dicts with a url/link/path)."""
    out = []
    for entry in value if isinstance(value, list) else []:
        if isinstance(entry, str):
            out.append(entry)
        elif isinstance(entry, dict):
            url = next((entry[k] for k in ("url", "link", "file_url", "path", "href") if isinstance(entry.get(k), str)), None)
            if url:
                out.append(url)
    return out


def api_url(index_url: str, category: int, page: int, sid: str) -> str:
    """The ``api/all`` URL of one category page, beside the ``gkmlpt/index`` page."""
    base = index_url.split("#")[0]
    if not base.endswith("/"):
        base = base.rsplit("/", 1)[0] + "/"
    return urljoin(base, f"api/all/{category}?page={page}&sid={sid}")


def api_page(url: str) -> int:
    """The ``page`` parameter of an API URL (1 when absent)."""
    values = parse_qs(urlsplit(url).query).get("page") or ["1"]
    return int(values[0]) if values[0].isdigit() else 1


def with_page(url: str, page: int) -> str:
    """The same API URL asking for another page."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    return urlunsplit(parts._replace(query=urlencode([("page", str(page)), *query]), fragment=""))


class GkmlptSpider(ReportSpider):
    """Guangdong gkmlpt: _CONFIG, then the JSON API, then report pages (see the module docstring)."""

    name = "gkmlpt"
    family = "gkmlpt"

    def parse_column(self, response: Response) -> Iterator[Request]:
        """Read SID and TREE from ``/gkmlpt/index`` and request page 1 of each report category.

        A column URL may also be an API URL (``/gkmlpt/api/all/{cat}?page=1&sid=…``): it is
        read as page 1 of that category.
        """
        if "/api/all/" in urlsplit(response.url).path:
            yield from self.parse_api(response)
            return
        if self.is_list_missing(response):
            return
        text = self.text(response)
        sid = parse_sid(text)
        if not sid:
            self.logger.warning("no SID in window._CONFIG: %s", response.url)
            return
        column_url = response.meta.get("column_url") or response.url
        fragment = urlsplit(column_url).fragment
        if fragment.isdigit():
            categories = [int(fragment)]
        else:
            categories = report_categories(parse_tree(text))
        if not categories:
            self.logger.warning("no 年报 category in the TREE: %s", response.url)
        for cat in categories:
            yield self.follow_list(api_url(response.url, cat, 1, sid), response, callback=self.parse_api)

    def parse_api(self, response: Response) -> Iterator[Request]:
        """One API page: a request per report article, then the next page."""
        if self.is_list_missing(response):
            return
        try:
            data = json.loads(self.text(response))
        except json.JSONDecodeError:
            self.count_unread(response.meta, response.url, 1, "the gkmlpt API answered no JSON")
            return
        articles = data.get("articles") or []
        reports = list(self._parse_list(response, articles))
        yield from (r for r, _ in reports)
        yield from self._next_pages(response, data, articles, [u for _, u in reports])

    def _parse_list(self, response: Response, articles: list[dict]) -> Iterator[tuple[Request, str]]:
        """(request, url) for each article whose title is a report."""
        for art in articles:
            title = clean(art.get("title"))
            url = art.get("url") or art.get("post_url")
            if not url or not is_report_title(title):
                continue
            url = urljoin(response.url, url)
            yield self.report_request(url, response, title=title, list_date=article_date(art.get("created_at")),
                                      attachments=attachment_urls(art.get("attachment"))), url

    def _next_pages(self, response: Response, data: dict, articles: list, report_urls: list[str]) -> Iterator[Request]:
        """The next API page while ``post_count`` says there are more and some reports are new."""
        page = api_page(response.url)
        size = data.get("per_page") or response.meta.get("page_size") or len(articles)
        count = (data.get("classify") or {}).get("post_count") or 0
        if not articles or not size or page >= math.ceil(count / int(size)):
            return
        if not self.should_page(report_urls):
            self.logger.info("all reports known, paging stops: %s", response.url)
            return
        yield self.follow_list(with_page(response.url, page + 1), response, callback=self.parse_api,
                               page_size=int(size))
