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
(:func:`is_report_title`), ``self.report_request(url, response, title=…,
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
  report table (fewer than ``REPORT_TABLE_CELLS`` cells: a 索引号 box is not
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
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple
from urllib.parse import urljoin, urlsplit

import scrapy
from parsel import Selector
from scrapy.http import Request, Response, TextResponse

from crawler.exceptions import ExtractError, RegistryError
from crawler.sites.registry import Column, Site, load_registry
from crawler.spiders.items import ReportItem, report_item_from_response

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = "sites/real.yaml"

class Paging(NamedTuple):
    """What a list page's paging script says: page count, this page (0 = the first), file name and
    extension of the other pages, and the number the second page's file carries."""

    total: int
    current: int
    name: str
    ext: str
    first_suffix: int = 1


# --- the report-title rule -------------------------------------------------

_SUBJECT_RE = re.compile(r"(政府|政务)?信息公开|政务公开")
_REPORT_RE = re.compile(r"年度报告|年报|年度工作报告|工作报告")
#: The words that name an annual report (a title's, a column's: crawler/sites/discover reads links with it too).
ANNUAL_REPORT_RE = re.compile(r"年度报告|年报|年度工作报告")
_DECOY_RE = re.compile(
    r"通知|指南|要点|编制|格式|模板|样本|范本|解读|培训|意见|方案|办法|规定|制度|目录|征求|征集|"
    r"公告|答复|申请表|统计表|企业年报|工商年报|年报公示|财务|预算|决算|通报|考核|填报|法治政府|法治建设"
)
_YEAR_RE = re.compile(r"(19|20)\d{2}")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
ATTACHMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|rtf|wps|ofd|zip)$", re.I)
_NEXT_TEXTS = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "下一页>", "下一页>>"}


def is_report_title(title: str | None, *, loose: bool = False) -> bool:
    """True when a list title names a 政府信息公开工作年度报告 (decoys such as 工作要点 or 编制指南的通知 are not)."""
    if not title:
        return False
    t = re.sub(r"\s+", "", title)
    if _DECOY_RE.search(t):
        return False
    if _SUBJECT_RE.search(t):
        if ANNUAL_REPORT_RE.search(t):
            return True
        # 政务公开工作报告 / 信息公开工作报告 with a year is the same document under an older name.
        if _REPORT_RE.search(t) and re.search(r"(19|20)\d{2}", t):
            return True
    # Loose: 年度报告/年报 alone, with a year (a bare "政府信息公开年报" is a column link, not a report).
    return loose and bool(ANNUAL_REPORT_RE.search(t)) and bool(re.search(r"(19|20)\d{2}", t))


def is_decoy(title: str | None) -> bool:
    """True when a title names something that is not a report (通知, 指南, 工作要点, 企业年报…)."""
    return bool(title and _DECOY_RE.search(re.sub(r"\s+", "", title)))


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    if not text:
        return None
    m = _DATE_RE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def clean(text: str | None) -> str:
    """Collapse whitespace (including &nbsp;) to single spaces."""
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


def response_text(response: Response, encoding: str | None = None) -> str:
    """The response as text, by the extractor's rule (crawler.extract.decode); ``encoding`` (a site setting)
    wins, GB names read as gb18030."""
    from crawler.extract.decode import codec_name, decode_bytes  # the extractor loads slowly: when needed

    if encoding:
        return response.body.decode(codec_name(encoding) or encoding, errors="replace")
    if isinstance(response, TextResponse):
        try:
            return decode_bytes(response.body, response.url)
        except ExtractError:  # binary behind a text content type: Scrapy's reading
            return response.text
    return response.body.decode("utf-8", errors="replace")


def anchor_title(a: Selector) -> str:
    """A list link's title: its ``title`` attribute, else its text."""
    title = clean(a.attrib.get("title"))
    return title or clean(" ".join(a.xpath(".//text()").getall()))


def anchor_date(a: Selector) -> str | None:
    """The date printed beside a list link (same ``li``/``tr``/``dd``, else the parent)."""
    for xp in ("ancestor::li[1]", "ancestor::tr[1]", "ancestor::dd[1]", "ancestor::dl[1]", ".."):
        row = a.xpath(xp)
        if row:
            date = parse_date(clean(" ".join(row[0].xpath(".//text()").getall())))
            if date:
                return date
    return None


def load_known_urls(value: Any) -> dict[str, str | None]:
    """``known_urls`` as ``{url: list date or None}``: a dict as is; a set/list, a file of URLs or a
    comma-separated string with no dates."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(u): (str(d) if d else None) for u, d in value.items()}
    if isinstance(value, str):
        path = Path(value)
        if "\n" not in value and len(value) < 4096 and path.is_file():
            return dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                                 if line.strip())
        return dict.fromkeys(u.strip() for u in value.split(",") if u.strip())
    return dict.fromkeys(str(u) for u in value)


def resolve_registry(path: str | Path) -> Path:
    """A registry path relative to the working directory, else to the project root."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return ROOT / p


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
        registry_path = registry or DEFAULT_REGISTRY
        if sites is None:
            sites = load_registry(resolve_registry(registry_path))
        selected = [s for s in sites if s.family == self.family and (not site or s.slug == site)]
        if site and not selected:
            raise RegistryError(f"{registry_path}: no {self.family} site with slug {site!r}")
        self.sites: list[Site] = selected
        self.sites_by_slug: dict[str, Site] = {s.slug: s for s in selected}
        self.allowed_domains = sorted({d for s in selected for d in s.allowed_domains})
        self.known_urls: dict[str, str | None] = load_known_urls(known_urls)
        self.skipped_urls: list[str] = []  # known reports not fetched: their list entry is unchanged
        #: list pages of a column that could not be read, by site (crawl_sites.pages_unread; raises the alarm)
        self.pages_unread: dict[str, int] = {}
        #: False after an interrupted run: walk every list page, so nothing the killed run
        #: left in flight is missed (known pages answer 304, known reports are not re-read).
        self.stop_at_known: bool = str(stop_at_known).lower() not in ("false", "0", "no")

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
        urls = self._attachments(response) if _may_point_at_files(response) else []
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

    def _attachments(self, response: TextResponse) -> list[str]:
        """Absolute URLs of the PDF/Word/Excel files a page links for its report, and of attachments the
        list named (``meta``).

        The files linked from the article body (and from an attachment block, 附件/fujian) when it links
        any; else every file on the page. A short body whose report is its attachment must not bring the
        chrome's files along: the 申请表 in the footer, other years' reports in a 相关信息 list.
        """
        body = self._body_file_links(response)
        hrefs = (body if body else response.css("a::attr(href)").getall()) + list(response.meta.get("attachments") or [])
        urls: list[str] = []
        for href in hrefs:
            url = urljoin(response.url, href.strip())
            if ATTACHMENT_RE.search(urlsplit(url).path) and url not in urls:
                urls.append(url)
        return urls

    def _body_file_links(self, response: TextResponse) -> list[str]:
        """File links inside the first article container that links any, plus those of attachment blocks."""
        from crawler.extract.htmldoc import CONTAINERS

        sel = self.selector(response)
        found: list[str] = []
        for css in (c for c in CONTAINERS if c not in _PAGE_WRAPPERS):
            hrefs = [h for h in sel.css(f"{css} a::attr(href)").getall()
                     if ATTACHMENT_RE.search(urlsplit(urljoin(response.url, h.strip())).path)]
            if hrefs:
                found = hrefs
                break
        if not found:
            return []
        for css in _ATTACHMENT_BLOCKS:
            found += sel.css(f"{css} a::attr(href)").getall()
        return found

    # --- paging shared by several families ------------------------------------

    def js_paging(self, response: Response) -> Paging | None:
        """TRS-style paging scripts as a :class:`Paging`, or None.

        Understands ``createPageHTML(total, current0, "index", "html")``, the
        six-argument form ``createPageHTML('page_div', total, current1, "list",
        "shtml", records)`` (its current page counts from 1 and page 2 is
        ``list_2.shtml``), and ``var countPage = N`` with an optional
        ``var currentPage = N``.
        """
        text = self.text(response)
        for m in re.finditer(r"createPageHTML\s*\(([^)]*)\)", text):
            # The first call with numbers; a template may also define the function itself.
            args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
            div_first = bool(args) and not args[0].isdigit()
            while args and not args[0].isdigit():
                args.pop(0)
            if len(args) >= 2 and args[0].isdigit() and args[1].isdigit():
                name = args[2] if len(args) > 2 and args[2] else "index"
                ext = args[3] if len(args) > 3 and args[3] else _ext_of(response.url)
                if div_first:  # createPageHTML('page_div', total, current1, name, ext, records)
                    return Paging(int(args[0]), max(int(args[1]) - 1, 0), name, ext, 2)
                return Paging(int(args[0]), int(args[1]), name, ext)
        m = re.search(r"var\s+countPage\s*=\s*['\"]?(\d+)", text)
        if m:
            cur = re.search(r"var\s+currentPage\s*=\s*['\"]?(\d+)", text)
            current = int(cur.group(1)) if cur else response.meta.get("page", 0)
            return Paging(int(m.group(1)), current, "index", _ext_of(response.url))
        return None

    def next_page_link(self, response: Response) -> str | None:
        """The "下一页" link of a list page, else the numbered link after the current page."""
        base = response.url
        numbered = {}
        for a in response.css("a[href]"):
            href = (a.attrib.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "#")):
                continue
            url = urljoin(base, href).split("#")[0]
            if url == base:
                continue
            text = clean(" ".join(a.xpath(".//text()").getall())) or clean(a.attrib.get("title"))
            if text in _NEXT_TEXTS or text.replace(" ", "") in _NEXT_TEXTS:
                return url
            if text.isdigit():
                numbered.setdefault(int(text), url)
        current = response.meta.get("page_number", 1)
        return numbered.get(current + 1)


# The article containers of crawler.extract.htmldoc.CONTAINERS (the rest, #content/.content/article,
# often wrap the whole page), and the blocks TRS and other CMSs put a document's attachments in.
_PAGE_WRAPPERS = frozenset({"#content", ".content", "article"})
_ATTACHMENT_BLOCKS = ("[class*=fujian]", "[id*=fujian]", "[class*=attach]", "[id*=attach]", "[class*=appendix]",
                      "[class*=download-file]")

# Fewer cells than this and a page's tables are chrome (the 索引号/发布机构 box), not a report's.
REPORT_TABLE_CELLS = 40


def _may_point_at_files(response: Response) -> bool:
    """True for an HTML page without a report table: its numbers may be in a linked file."""
    if not isinstance(response, TextResponse) or ATTACHMENT_RE.search(urlsplit(response.url).path):
        return False
    return len(re.findall(rb"<t[dh][\s>]", response.body, re.I)) < REPORT_TABLE_CELLS


_LIST_PATH_RE = re.compile(r"(/|/index(_\d+)?\.[a-z]+|/list(_\d+)?\.[a-z]+)$", re.I)


def looks_like_list(url: str) -> bool:
    """True for a URL that is a list page rather than an article (``…/``, ``index_2.html``, ``?page=3``)."""
    parts = urlsplit(url)
    return bool(_LIST_PATH_RE.search(parts.path) or re.search(r"(^|&)(page|pageNo|pageIndex)=", parts.query))


def _ext_of(url: str) -> str:
    """The extension of a list page URL (``html`` when it has none)."""
    path = urlsplit(url).path
    m = re.search(r"\.([A-Za-z]+)$", path)
    return m.group(1) if m else "html"


def page_url(column_page_url: str, name: str, ext: str, n: int, first_suffix: int = 1) -> str:
    """Page ``n`` (0 = the first) of the list whose first page is ``column_page_url``.

    The second page is ``name_<first_suffix>.ext``: ``index_1.html`` for TRS's four-argument
    ``createPageHTML``, ``list_2.shtml`` for its six-argument form.
    """
    if n == 0:
        return column_page_url
    return urljoin(column_page_url, f"{name}_{n - 1 + first_suffix}.{ext}")


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
            if not (self.detail_re.search(path) or ATTACHMENT_RE.search(path)) or looks_like_list(url):
                continue
            if is_report_title(title, loose=self.loose_titles) and _YEAR_RE.search(title):
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
        url = self.next_page_link(response)
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


def _numbered_siblings(text: str, stem: str, ext: str) -> list[int]:
    """The N of every ``<stem>_<N>.<ext>`` the page names (href, option, script), in the order named."""
    out: list[int] = []
    pattern = re.compile(r"(?<![\w.-])" + re.escape(stem) + r"_(\d+)\." + re.escape(ext) + r"(?![\w])", re.I)
    for m in pattern.finditer(text):
        n = int(m.group(1))
        if n not in out:
            out.append(n)
    return out


def next_sibling_page(response: Response) -> tuple[str, dict[str, Any]] | None:
    """The next page of a list whose pages are ``<first page>_<N>.html``, found whatever the paging links say.

    Some CMSs (动易, 科讯 and their copies) number a column's pages backwards, ``index_<colid>.html`` then
    ``index_<colid>_<N-1>.html`` down to ``_1``, so that old pages never change; their pager links often carry
    no text (images) or sit in a hidden block drawn by a script. The first page names the numbers: the first
    one named is page 2, and when it is the largest the list counts down (to 1, whether later pages link
    it or not); otherwise it counts up as far as the pages name. Returns (URL, meta to carry) or None.
    """
    meta = response.meta
    stem, ext, here = meta.get("sibling_stem"), meta.get("sibling_ext"), meta.get("sibling_n")
    if stem is None:
        name = urlsplit(response.url).path.rsplit("/", 1)[-1]
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or not re.fullmatch(r"s?html?", ext, re.I):
            return None
    text = response.text if isinstance(response, TextResponse) else ""
    numbers = [n for n in _numbered_siblings(text, stem, ext) if n != here]
    step, last = meta.get("sibling_step", 0), meta.get("sibling_last", 0)
    seen = list(meta.get("sibling_seen") or [])
    if here is None:
        if not numbers:
            return None
        nxt = numbers[0]
        step = (-1 if nxt == max(numbers) else 1) if len(numbers) > 1 else 0
        last = min(numbers + [1]) if step == -1 else max(numbers)
    elif step == -1:
        nxt = here - 1 if here - 1 >= min(last, 1) else None
    elif step == 1:
        last = max([last, *numbers])
        nxt = here + 1 if here + 1 <= last else None
    else:
        nxt = next((n for n in numbers if n not in seen), None)
    if nxt is None or nxt in seen:
        return None
    url = urljoin(response.url, f"{stem}_{nxt}.{ext}")
    return url, {"sibling_stem": stem, "sibling_ext": ext, "sibling_n": nxt, "sibling_step": step,
                 "sibling_last": last, "sibling_seen": [*seen, nxt]}
