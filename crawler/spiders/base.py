"""The base of every family spider: registry entries in, report items out.

How to add a site
-----------------
Add one entry to ``sites/real.yaml`` (format: docs/architecture.md) with the
``family`` of its CMS and one ``columns`` item per report column (区政府,
部门, 乡镇街道, 开发区). No code is needed when the CMS is a known family.

How to add a family
-------------------
Subclass :class:`ReportSpider` in ``spiders/<family>.py``; set ``name`` and
``family`` to the family; implement ``parse_column`` (the callback of every
column request) and yield, for each list entry whose title is a report
(:func:`~crawler.spiders.entries.is_report_title`), ``self.report_request(url, response, title=…,
list_date=…)``. Page through the list with ``self.should_page(response,
report_urls)`` so that incremental crawls stop early. The module docstring
must use the terms ``CMS:``, ``Sample sites:`` and ``Caveats:`` (a test
enforces it).

What the base does
------------------
* reads the registry (``registry`` argument, default ``sites/real.yaml``) and
  keeps the entries of its family (and only ``site`` when given); a list of
  :class:`~crawler.sites.registry.Site` objects passed as ``sites`` wins over the file;
* sets ``allowed_domains`` from those entries;
* starts from each column URL with ``meta`` carrying ``site``, ``column`` and
  ``body_level``; every request made with :meth:`follow_list` or
  :meth:`report_request` carries them on;
* fetches each report page and yields
  :func:`~crawler.spiders.items.report_item_from_response`; when the page has no
  report table (fewer than ``attachments.REPORT_TABLE_CELLS`` cells: a 索引号 box is not
  one) but links PDF/Word/Excel files, each file is fetched and yielded too,
  its item naming the page (``page_url``). Spiders never parse tables.

Spider arguments
----------------
``registry``
  path of the registry file (default ``sites/real.yaml``).
``site``
  only this slug.
``sites``
  a list of Site objects (programmatic use; takes precedence over ``registry``).
``stop_at_known``
  ``False`` to walk every list page even when all its reports are known (the
  runner passes it after an interrupted run).
``known_urls``
  report URLs already archived: a dict ``{url: list date}`` (what the runner
  passes), or a set, or from the command line a file with one URL a line, or a
  comma-separated string (list dates unknown). Listing pagination stops at a
  list page whose report links are all known. A known report whose list entry
  shows the date recorded for it is not fetched (counted as skipped); one whose
  date moved (an edit) or was never recorded is fetched again.

Per-site ``settings`` in the registry
-------------------------------------
``user_agent`` (sent on every request of the site: gd.gov.cn resets
connections from non-browser agents), ``referer``, and ``encoding`` (decode
the site's pages with it whatever they declare; GBK/GB2312 mean gb18030).
Download delays are Scrapy settings (one request per domain, AutoThrottle).

The helpers, one job each, beside this module (none defines a spider, so
Scrapy's SpiderLoader, which walks every module here, lists only families):
``entries`` (is a list title a report's, its date), ``decoding`` (a response
as the extractor reads it), ``paging`` (the next list page), ``attachments``
(the files a report page links), ``arguments`` (spider arguments: registry,
known URLs), ``listapi`` (TRS's JSON search API), ``items`` (``ReportItem``).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler.sites.registry import Column, Site
from crawler.spiders.arguments import DEFAULT_REGISTRY, load_known_urls, parse_flag, select_sites
from crawler.spiders.attachments import attachment_urls, is_attachment_url, may_point_at_files
from crawler.spiders.decoding import response_text
from crawler.spiders.entries import YEAR_RE, anchor_date, anchor_title, is_report_title
from crawler.spiders.items import ReportItem, report_item_from_response
from crawler.spiders.paging import (
    Paging,
    js_paging,
    looks_like_list,
    next_page_link,
    next_sibling_page,
    page_url,
)


class ReportSpider(scrapy.Spider):
    """Base of the family spiders (see the module docstring)."""

    # ReportSpider
    family: ClassVar[str] = ""
    #: Follow sub-columns (deeper index pages under a column) up to this depth.
    max_subcolumn_depth: ClassVar[int] = 2

    def __init__(
        self,
        registry: str | None = None,
        site: str | None = None,
        sites: list[Site] | None = None,
        known_urls: Any = None,
        stop_at_known: Any = True,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        selected = select_sites(self.family, registry=registry, site=site, sites=sites)
        #: where the sites came from (crawl_runs.registry when `scrapy crawl` records its run)
        self.registry_name: str = "" if sites is not None else str(registry or DEFAULT_REGISTRY)
        self.sites: list[Site] = selected
        self.sites_by_slug: dict[str, Site] = {s.slug: s for s in selected}
        self.allowed_domains = sorted({d for s in selected for d in s.allowed_domains})
        self.known_urls: dict[str, str | None] = load_known_urls(known_urls)
        self.skipped_urls: list[str] = []  # known reports not fetched: their list entry is unchanged
        #: list pages of a column that could not be read, by site (crawl_sites.pages_unread; raises the alarm)
        self.pages_unread: dict[str, int] = {}
        #: False after an interrupted run: walk every list page, so nothing the killed run
        #: left in flight is missed (known pages answer 304, known reports are not re-read).
        self.stop_at_known: bool = parse_flag(stop_at_known)

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> ReportSpider:
        """Take the registry path from the ``NIANBAO_REGISTRY`` setting when no argument gives one."""
        if kwargs.get("registry") is None and kwargs.get("sites") is None:
            setting = crawler.settings.get("NIANBAO_REGISTRY")
            if setting:
                kwargs["registry"] = setting
        return super().from_crawler(crawler, *args, **kwargs)

    # --- start ---------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        """Yield one request per registry column (see :meth:`start_requests`)."""
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[Request]:
        """One request per column of every selected site."""
        for site in self.sites:
            for column in site.columns:
                yield self.column_request(site, column)

    def column_request(self, site: Site, column: Column) -> Request:
        """The first request of a column; ``meta`` carries site slug, column and body level."""
        meta = {
            "site": site.slug,
            "column": column.name,
            "body_level": column.body_level,
            "column_url": column.url,
            "page": 0,
            "depth_in_column": 0,
        }
        return Request(
            column.url,
            callback=self.parse_column,
            errback=self.list_failed,
            meta=meta,
            headers=self._site_headers(site),
            dont_filter=True,
        )

    def _site_headers(self, site: Site) -> dict[str, str]:
        """Request headers asked for by a site's ``settings`` (``user_agent``, ``referer``)."""
        headers = {}
        if site.settings.get("user_agent"):
            headers["User-Agent"] = str(site.settings["user_agent"])
        if site.settings.get("referer"):
            headers["Referer"] = str(site.settings["referer"])
        return headers

    # --- helpers for family spiders -----------------------------------------

    def parse_column(self, response: Response) -> Iterable[Any]:
        """Callback of every list page of a column; each family implements it."""
        raise NotImplementedError

    def selector(self, response: Response) -> Selector | Response:
        """The response to query, re-read by the one decoding rule where Scrapy's reading differs (a page that
        declares one charset and is written in another)."""
        if not isinstance(response, TextResponse):
            return response
        text = self.text(response)
        return response if text == response.text else Selector(text=text)

    def site_of(self, response: Response) -> Site | None:
        """The registry entry a response belongs to."""
        return self.sites_by_slug.get(response.meta.get("site", ""))

    def text(self, response: Response) -> str:
        """The response text, honouring a site's ``settings.encoding``."""
        site = self.site_of(response)
        return response_text(response, site.settings.get("encoding") if site else None)

    def carry(self, response: Response, **extra: Any) -> dict[str, Any]:
        """The meta to pass on from a list response: site, column, body level, column URL."""
        meta = {k: response.meta[k] for k in ("site", "column", "body_level", "column_url") if k in response.meta}
        meta["depth_in_column"] = response.meta.get("depth_in_column", 0)
        meta.update(extra)
        return meta

    def follow_list(self, url: str, response: Response, *, callback: Any = None, **extra: Any) -> Request:
        """A request for another list page of the same column (404 is passed to the callback)."""
        meta = self.carry(response, **extra)
        meta["handle_httpstatus_list"] = [404]
        site = self.site_of(response)
        return Request(
            url,
            callback=callback or self.parse_column,
            errback=self.list_failed,
            meta=meta,
            headers=self._site_headers(site) if site else None,
        )

    def report_request(
        self, url: str, response: Response, *, title: str | None, list_date: str | None = None,
        attachments: list[str] | None = None,
    ) -> Request | None:
        """A request for a report page found on a list page (``attachments``: files the list names for it).

        None (Scrapy ignores it) for a known report whose list date is the one recorded: nothing changed.
        """
        if self.is_unchanged_known(url, list_date):
            self._count_skipped(response, url)
            return None
        meta = self.carry(response, title=title, list_date=list_date, list_url=url)
        if attachments:
            meta["attachments"] = attachments
        site = self.site_of(response)
        return Request(
            url,
            callback=self.parse_report,
            meta=meta,
            headers=self._site_headers(site) if site else None,
        )

    def should_page(self, report_urls: Iterable[str]) -> bool:
        """False when every report link on a list page is already known (incremental stop)."""
        urls = set(report_urls)
        return not (self.stop_at_known and self.known_urls and urls and urls <= self.known_urls.keys())

    def is_unchanged_known(self, url: str, list_date: str | None) -> bool:
        """True for a known report whose list entry shows the date recorded last time."""
        recorded = self.known_urls.get(url)
        return bool(recorded and list_date and recorded == list_date)

    def _count_skipped(self, response: Response, url: str) -> None:
        self.skipped_urls.append(url)  # the runner marks them seen (reports.last_seen)
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            site = response.meta.get("site") or "unknown"
            crawler.stats.inc_value("nianbao/reports_skipped")
            crawler.stats.inc_value(f"nianbao/site/{site}/reports_skipped")

    def list_links(self, response: Response, selector: Selector | None = None) -> list[tuple[str, str, str | None]]:
        """Every ``a[href]`` of a list as (absolute URL, title, date), in page order, without repeats."""
        sel = selector if selector is not None else self.selector(response)
        base = response.url
        out, seen = [], set()
        for a in sel.css("a[href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#", "mailto:")):
                continue
            url = urljoin(base, href).split("#")[0]
            if url in seen or urlsplit(url).scheme not in ("http", "https"):
                continue
            seen.add(url)
            out.append((url, anchor_title(a), anchor_date(a)))
        return out

    def is_list_missing(self, response: Response) -> bool:
        """True for a 404 list page (logged and counted unread); the caller decides whether to page on."""
        if response.status == 404:
            self.count_unread(response.meta, response.url, 1, "HTTP 404")
            return True
        return False

    def count_unread(self, meta: dict[str, Any], url: str, pages: int, why: str) -> None:
        """``pages`` list pages of a column that will not be read: counted per site (``pages_unread``,
        which raises the site's alarm) and logged with the column and the reason, never lost silently."""
        if pages <= 0:
            return
        site = meta.get("site") or "unknown"
        self.pages_unread[site] = self.pages_unread.get(site, 0) + pages
        self.logger.warning("%s: %d list page(s) of column %s unread (%s)", url, pages,
                            meta.get("column_url") or meta.get("column"), why)
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value("nianbao/pages_unread", pages)
            crawler.stats.inc_value(f"nianbao/site/{site}/pages_unread", pages)

    def list_failed(self, failure: Any) -> None:
        """Errback of list requests: a list page that could not be fetched is an unread page (and the
        pages after it, when the paging says how many)."""
        request = failure.request
        meta = request.meta
        total, page = meta.get("page_total"), meta.get("page", 0)
        pages = total - page if isinstance(total, int) and total > page else 1
        self.count_unread(meta, request.url, pages, failure.getErrorMessage() or type(failure.value).__name__)

    # --- report pages ----------------------------------------------------------

    def parse_report(self, response: Response) -> Iterator[Any]:
        """Yield the report item; follow attachments of a page that has no report table of its own.

        The page's item names the files it links (``attachments``) and each file's request
        names the page (``page_url``), so the pipeline stores one report under the page.
        """
        item = self.report_item(response)
        urls = attachment_urls(response, self.selector(response)) if may_point_at_files(response) else []
        item.attachments = urls
        yield item
        site = self.site_of(response)
        for url in urls:
            meta = dict(self.carry(response, title=response.meta.get("title"), list_date=response.meta.get("list_date"),
                                   list_url=response.meta.get("list_url"), page_url=response.url))
            yield Request(url, callback=self.parse_attachment, meta=meta,
                          headers=self._site_headers(site) if site else None)

    def parse_attachment(self, response: Response) -> Iterator[ReportItem]:
        """Yield an attachment (PDF, Word, Excel) of a report page as a report item."""
        yield self.report_item(response)

    def report_item(self, response: Response) -> ReportItem:
        """The item for a fetched report page or attachment."""
        m = response.meta
        item = report_item_from_response(
            response,
            site=m.get("site", ""),
            title=m.get("title"),
            list_date=m.get("list_date"),
            body_level=m.get("body_level"),
            column=m.get("column"),
        )
        item.list_url = m.get("list_url")  # the listed page, when this is its attachment (ListDatePipeline)
        item.page_url = m.get("page_url")
        return item

    def js_paging(self, response: Response) -> Paging | None:
        """The list page's TRS-style paging script (:func:`crawler.spiders.paging.js_paging`), read in the
        site's encoding."""
        return js_paging(self.text(response), response.url, response.meta.get("page", 0))


class LinkListSpider(ReportSpider):
    """Base of families whose lists are plain HTML links with "下一页"/numbered paging.

    Subclasses set ``detail_re`` (a report link's URL path must match it;
    attachments always qualify) and ``loose_titles`` (True: a title needs
    only 年度报告/年报, for columns that hold nothing but reports). Titles
    must carry a year, and links that look like list pages (``…/``,
    ``index_2.html``, ``?page=3``) are never reports: navigation links named
    "政府信息公开年报" stay out.
    Paging follows the "下一页" link, else the numbered link after the
    current page, else a TRS-style ``createPageHTML``/``countPage`` script,
    else pages named after the first one (``index_<colid>_<N>.html``, often
    numbered backwards behind textless or hidden links: :func:`next_sibling_page`).
    """

    # LinkListSpider
    detail_re: ClassVar[re.Pattern[str]] = re.compile(r".")
    loose_titles: ClassVar[bool] = False
    #: Stop after this many list pages of one column (a guard against paging loops).
    max_pages: ClassVar[int] = 200

    def parse_column(self, response: Response) -> Iterator[Any]:
        """Parse one list page: report requests, then the next page."""
        if self.is_list_missing(response):
            return
        reports = self._parse_list(response)
        for url, title, date in reports:
            yield self.report_request(url, response, title=title, list_date=date)
        yield from self._next_pages(response, [u for u, _, _ in reports])

    def _parse_list(self, response: Response) -> list[tuple[str, str, str | None]]:
        """The links of a list page that are reports by URL form and title (list pages left out)."""
        out = []
        for url, title, date in self.list_links(response):
            path = urlsplit(url).path
            if not (self.detail_re.search(path) or is_attachment_url(url)) or looks_like_list(url):
                continue
            if is_report_title(title, loose=self.loose_titles) and YEAR_RE.search(title):
                out.append((url, title, date))
        return out

    def _next_pages(self, response: Response, report_urls: list[str]) -> Iterator[Request]:
        """The next list page, while not every report on this page is known."""
        number = response.meta.get("page_number", 1)
        if number >= self.max_pages:
            return
        if not self.should_page(report_urls):
            self.logger.info("all reports known, paging stops: %s", response.url)
            return
        url = next_page_link(response)
        if url is None:
            info = self.js_paging(response)
            if info and number < info.total:
                first = response.meta.get("first_page") or response.url
                url = page_url(first, info.name, info.ext, number, info.first_suffix)
                yield self.follow_list(url, response, page_number=number + 1, first_page=first)
                return
            sibling = next_sibling_page(response)
            if sibling is not None:
                url, meta = sibling
                yield self.follow_list(url, response, page_number=number + 1, **meta)
            return
        yield self.follow_list(url, response, page_number=number + 1)


