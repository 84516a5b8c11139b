"""TRS WCM "t-date" static lists.

CMS:
    TRS WCM and the many CMSs that copy its publishing layout. Report pages
    are ``…/YYYYMM/tYYYYMMDD_ID.html`` (or ``.shtml``/``.htm``; ``_wap.html``
    is the mobile twin), or in newer sites ``…/c<id>/content.shtml``. A
    column is a directory: ``index.html`` is page 1, then ``index_1.html``,
    ``index_2.html``… The page count comes from a script:
    ``createPageHTML(total, current0, "index", "html")``; the six-argument
    ``createPageHTML('page_div', total, current1, "fg", "shtml", records)``
    counts from 1 and names page 2 ``fg_2.shtml``; older templates write
    ``var countPage = N //共多少页``.

Sample sites:
    js.changchun.gov.cn (长春 净月区 departments), www.qiaokou.gov.cn (武汉
    硚口区, ``.shtml``), www.hunnan.gov.cn (沈阳 浑南区, year folders),
    www.houma.gov.cn (侯马市, 乡镇街道/开发区 sub-columns), cqqj.gov.cn.

Caveats:
    Reports are often grouped in sub-columns by year (``2022/2022bmdnbg/``)
    or by body (部门/乡镇街道/开发区); the spider follows index pages that
    sit below the column's directory, two levels deep at most, unless the
    registry lists that sub-column itself (then its own body level holds). One CMS
    answers 404 for ``index_1`` but serves ``index_2``: a missing list page
    is skipped, not the end of the list. Deep ``index_N`` pages can be
    300–400 byte stubs: paging stops at a page with no t-date links. Older
    sites declare GBK/GB2312 (decoded as gb18030). Fujian's sites serve only
    a column's first page as HTML and the rest from ``POST /fjdzapp/search``
    (JSON, see crawler/spiders/listapi.py): the spider follows the API the page
    declares. A list page that cannot be read (an error, a 404, an API reply
    that is not JSON, a page declaring more entries than it gives a way to)
    is counted in ``pages_unread`` and raises the site's alarm.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import FormRequest, Request, Response

from crawler.spiders.attachments import ATTACHMENT_RE
from crawler.spiders.base import ReportSpider
from crawler.spiders.entries import is_report_title
from crawler.spiders.listapi import SearchApi, find_search_api, parse_search_reply
from crawler.spiders.paging import Paging, page_url

TDATE_RE = re.compile(r"/t\d{8}_\d+(?:_wap)?\.s?html?$", re.I)
# The newer TRS layout: every document is a directory of its own, ``…/c<id>/content.shtml``.
CONTENT_RE = re.compile(r"/c\d+/content\.s?html?$", re.I)
# What a page says of its own length: 共N条, recordCount: 'N', totalRecord: N.
_DECLARED_RE = re.compile(r"共\s*(\d+)\s*条|recordCount['\"]?\s*[:=]\s*['\"]?(\d+)|totalRecord['\"]?\s*[:=]\s*['\"]?(\d+)",
                          re.I)
_INDEX_RE = re.compile(r"/(?:index(?:_\d+)?\.s?html?)?$", re.I)


def is_tdate_url(url: str) -> bool:
    """True for a TRS detail page URL (``tYYYYMMDD_ID.html``)."""
    return bool(TDATE_RE.search(urlsplit(url).path))


def is_report_page_url(url: str) -> bool:
    """True for a TRS document URL: ``tYYYYMMDD_ID.html`` or ``c<id>/content.shtml``."""
    path = urlsplit(url).path
    return bool(TDATE_RE.search(path) or CONTENT_RE.search(path))


def column_dir(url: str) -> str:
    """The directory of a list page URL, with a trailing slash."""
    path = urlsplit(url).path
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


class TrsSpider(ReportSpider):
    """TRS t-date static lists (see the module docstring)."""

    name = "trs"
    family = "trs"

    def parse_column(self, response: Response) -> Iterator[Any]:
        """Parse one list page: report requests, sub-columns, the next page."""
        if self.is_list_missing(response):
            yield from self._next_pages(response, report_urls=[], tdate_links=1)
            return
        links = self.list_links(response)
        reports = self._parse_list(links)
        for url, title, date in reports:
            yield self.report_request(url, response, title=title, list_date=date)
        yield from self._subcolumns(response, links)
        tdate_links = sum(1 for url, _, _ in links if is_report_page_url(url))
        yield from self._next_pages(response, [u for u, _, _ in reports], tdate_links)

    def _parse_list(self, links: list[tuple[str, str, str | None]]) -> list[tuple[str, str, str | None]]:
        """The list entries that are reports: TRS documents or attachments whose title is a report."""
        return [
            (url, title, date)
            for url, title, date in links
            if (is_report_page_url(url) or ATTACHMENT_RE.search(urlsplit(url).path)) and is_report_title(title)
        ]

    def _subcolumns(self, response: Response, links: list[tuple[str, str, str | None]]) -> Iterator[Request]:
        """Index pages below this column's directory (year, 部门, 乡镇 sub-columns), first page only."""
        depth = response.meta.get("depth_in_column", 0)
        if response.meta.get("page", 0) != 0 or depth >= self.max_subcolumn_depth:
            return
        here = column_dir(response.url)
        host = urlsplit(response.url).hostname
        site = self.site_of(response)
        registered = {column_dir(c.url) for c in site.columns} if site else set()
        for url, _, _ in links:
            parts = urlsplit(url)
            if parts.hostname != host or is_report_page_url(url) or not _INDEX_RE.search(parts.path):
                continue
            target = column_dir(url)
            if target in registered:
                continue  # a column of its own in the registry, with its own body level
            if target != here and target.startswith(here) and not re.search(r"_\d+\.s?html?$", parts.path):
                yield self.follow_list(url, response, page=0, depth_in_column=depth + 1, first_page=url)

    def _next_pages(self, response: Response, report_urls: list[str], tdate_links: int) -> Iterator[Request]:
        """The next ``index_N`` page, while the list goes on and not every report on this page is known."""
        page = response.meta.get("page", 0)
        if page > 0 and tdate_links == 0:
            return  # a stub page: the list is over whatever the script says
        if not self.should_page(report_urls):
            self.logger.info("all reports known, paging stops: %s", response.url)
            return
        if response.status == 404:
            meta = response.meta
            if meta.get("page_total") is None:
                return
            info = Paging(meta["page_total"], page, meta.get("page_name") or "index", meta.get("page_ext") or "html",
                          meta.get("page_suffix", 1))
        else:
            info = self.js_paging(response)
            if info is None:
                if page == 0:
                    yield from self._unpaged(response, tdate_links)
                return
        current = page if page else info.current
        nxt = current + 1
        if nxt >= info.total:
            return
        first = response.meta.get("first_page") or response.url
        yield self.follow_list(
            page_url(first, info.name, info.ext, nxt, info.first_suffix),
            response,
            page=nxt,
            page_total=info.total,
            page_name=info.name,
            page_ext=info.ext,
            page_suffix=info.first_suffix,
            first_page=first,
        )

    # --- columns whose later pages come from a JSON API (Fujian's 动静结合 pages) -------------------

    def _unpaged(self, response: Response, listed: int) -> Iterator[Request]:
        """A first page without a paging script: its search API's pages, or the pages it declares
        but gives no way to (counted unread)."""
        text = self.text(response)
        api = find_search_api(text, response.url)
        if api is not None:
            if api.pages is None or api.pages > 1:
                yield self._api_request(response, api, 2, api.pages)
            return
        m = _DECLARED_RE.search(text)
        declared = int(next(g for g in m.groups() if g)) if m else 0
        if declared > listed:
            pages = math.ceil(declared / listed) - 1 if listed else 1
            self.count_unread(response.meta, response.url, pages,
                              f"the page says {declared} entries, lists {listed}, and links no further page")

    def _api_request(self, response: Response, api: SearchApi, page: int, total: int | None) -> FormRequest:
        site = self.site_of(response)
        headers = {**(self._site_headers(site) if site else {}), "X-Requested-With": "XMLHttpRequest",
                   "Referer": response.meta.get("first_page") or response.url}
        meta = self.carry(response, page=page - 1, page_total=total, api=asdict(api),
                          first_page=response.meta.get("first_page") or response.url)
        return FormRequest(api.url, formdata=api.formdata(page), callback=self.parse_api_page,
                           errback=self.list_failed, meta=meta, headers=headers, dont_filter=True)

    def parse_api_page(self, response: Response) -> Iterator[Any]:
        """One JSON page of a column: report requests, then the next page while the API has more."""
        meta = response.meta
        page, total, api = meta["page"] + 1, meta.get("page_total"), SearchApi(**meta["api"])
        try:
            entries, count = parse_search_reply(response.body, meta.get("first_page") or response.url)
        except ValueError as e:
            self.count_unread(meta, response.url, (total - page + 1) if total else 1, f"page {page}: {e}")
            return
        reports = self._parse_list(entries)
        for url, title, date in reports:
            yield self.report_request(url, response, title=title, list_date=date)
        total = count or total
        if not entries or total is None or page >= total:
            return
        if not self.should_page([u for u, _, _ in reports]):
            self.logger.info("all reports known, paging stops: %s page %d", response.url, page)
            return
        yield self._api_request(response, api, page + 1, total)
