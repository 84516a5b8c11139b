"""Check registry entries: what each column URL answers, read by its family spider.

``check_sites(sites, fetch=False)`` only lists the entries (family, columns,
guessed or seen). With ``fetch=True`` each column URL is fetched once (urllib,
a timeout, a User-Agent naming nianbao, a pause between requests to one host)
and the answer is parsed by the family spider's own ``parse_column``, so the
check says what a crawl would see:

* ``ok`` — report links listed (and whether paging was understood);
* ``no-reports`` — the page loads but the spider finds no report link;
* ``blocked`` — a WAF challenge (HTTP 412/521, 瑞数 ``$_ts``, 加速乐
  ``__jsl_clearance``, Aliyun ``acw_sc__v2``, 网站卫士 ``wzws``);
* ``gone`` — HTTP 404/410; for a guessed entry the message says the URL was
  inferred and the real column must be found;
* ``error`` — another HTTP status, a timeout, DNS or TLS failure.

When a column fails (gone, no reports, error) and the entry names its
``portal``, the site is discovered again from the portal (crawler/sites/discover)
and ``SiteCheck.moves`` says what moved: a column found at a new URL, a
column the portal no longer links, a column the registry does not have.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.http import HtmlResponse, Request, TextResponse

from crawler import __version__
from crawler.sites.registry import Site

USER_AGENT = f"nianbao/{__version__} (+https://github.com/nianbao/nianbao; registry check)"
WAF_MARKERS = {
    b"$_ts": "瑞数 (Riversafe) JS challenge",
    b"__jsl_clearance": "加速乐 (Jiasule) JS challenge",
    b"acw_sc__v2": "Aliyun WAF challenge",
    b"wzws_cid": "网站卫士 (wzws) challenge",
    b"WZWS_CONFIRM": "网站卫士 (wzws) challenge",
}
WAF_STATUSES = {412: "HTTP 412 (瑞数-style JS challenge)", 521: "HTTP 521 (加速乐-style JS challenge)"}

#: (status, headers, body, final URL) of one GET; raises OSError-like errors on network failure.
Fetcher = Callable[[str], tuple[int, dict[str, str], bytes, str]]


@dataclass
class ColumnCheck:
    """What one column URL answered."""

    name: str
    url: str
    body_level: str
    outcome: str = "not-fetched"  # ok | no-reports | blocked | gone | error | not-fetched
    status: int | None = None
    report_links: int = 0
    list_requests: int = 0  # further list/API pages the spider would request from this page
    detail: str = ""


@dataclass
class SiteCheck:
    """One registry entry and what its columns answered."""

    slug: str
    name: str
    code: str
    level: str
    family: str
    guessed: bool
    columns: list[ColumnCheck] = field(default_factory=list)
    moves: list[str] = field(default_factory=list)  # what re-discovery from the portal found moved

    @property
    def ok(self) -> bool:
        """True when every column was fetched and lists reports (or nothing was fetched)."""
        return all(c.outcome in ("ok", "not-fetched") for c in self.columns)


def urllib_fetch(timeout: float = 20.0) -> Fetcher:
    """A fetcher using urllib with a timeout and nianbao's User-Agent."""

    def fetch(url: str) -> tuple[int, dict[str, str], bytes, str]:
        req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.8"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers.items()), resp.read(5_000_000), resp.geturl()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers.items()) if e.headers else {}, e.read() or b"", url

    return fetch


def waf_reason(status: int, body: bytes) -> str | None:
    """The WAF a response comes from, or None for an ordinary page."""
    if status in WAF_STATUSES:
        return WAF_STATUSES[status]
    if len(body) < 20_000 and b"<table" not in body:
        for marker, name in WAF_MARKERS.items():
            if marker in body:
                return name
    return None


def check_sites(
    sites: Iterable[Site],
    fetch: bool = True,
    *,
    fetcher: Fetcher | None = None,
    timeout: float = 20.0,
    delay: float = 1.0,
) -> list[SiteCheck]:
    """List every entry with its family; with ``fetch``, fetch each column URL once and say what it holds."""
    get = fetcher or urllib_fetch(timeout)
    last_hit: dict[str, float] = {}
    out = []
    for site in sites:
        result = SiteCheck(site.slug, site.name, site.code, site.level, site.family, site.guessed)
        for column in site.columns:
            check = ColumnCheck(column.name, column.url, column.body_level)
            if fetch:
                pause_for_host(last_hit, urlsplit(column.url).hostname or "", delay)
                _check_column(site, column, check, get)
            result.columns.append(check)
        if fetch and site.portal and any(c.outcome in _FAILED for c in result.columns):
            result.moves = rediscover(site, result, get, delay)
        out.append(result)
    return out


_FAILED = ("gone", "no-reports", "error")


def rediscover(site: Site, result: SiteCheck, get: Fetcher, delay: float) -> list[str]:
    """Discover the site again from its portal and say, per column, what moved."""
    from crawler.sites.discover import PoliteFetcher, discover_site

    found = discover_site(site.portal, PoliteFetcher(get, delay=delay))
    if not found.columns:
        return [f"re-discovery from {site.portal} found no 年报 column ({found.requests} requests)"]
    by_url = {c.url: c for c in found.columns}
    taken: set[str] = set()
    lines = []
    for check in result.columns:
        if check.url in by_url:
            taken.add(check.url)
            if check.outcome in _FAILED:
                lines.append(f"{check.name}: still linked from the portal at {check.url}, but {check.outcome}")
            continue
        same = [c for c in found.columns if c.url not in taken and c.url not in {k.url for k in result.columns}
                and c.body_level == check.body_level and (c.name == check.name or check.outcome in _FAILED)]
        if same:
            taken.add(same[0].url)
            lines.append(f"{check.name}: moved {check.url} -> {same[0].url} "
                         f"(link {same[0].text!r} on {same[0].page})")
        else:
            lines.append(f"{check.name}: no longer linked from the portal ({check.url} {check.outcome})")
    for c in found.columns:
        if c.url not in taken and c.url not in {k.url for k in result.columns}:
            lines.append(f"new column {c.name} ({c.body_level}): {c.url} (link {c.text!r} on {c.page})")
    return lines


#: What a fetch of a public page may raise: sockets, DNS, TLS and timeouts (all OSError), a server that
#: breaks HTTP (IncompleteRead, BadStatusLine), a URL urllib cannot ask for (ValueError).
NETWORK_ERRORS = (OSError, http.client.HTTPException, ValueError)


def pause_for_host(last_hit: dict[str, float], host: str, delay: float) -> None:
    """Wait so that one host gets at most one request every ``delay`` seconds."""
    wait = last_hit.get(host, 0.0) + delay - time.monotonic()
    if wait > 0:
        time.sleep(wait)
    last_hit[host] = time.monotonic()


def _check_column(site: Site, column, check: ColumnCheck, get: Fetcher) -> None:
    """Fetch one column URL and fill ``check``."""
    try:
        status, headers, body, final_url = get(column.url)
    except NETWORK_ERRORS as e:
        check.outcome, check.detail = "error", network_reason(e)
        return
    check.status = status
    waf = waf_reason(status, body)
    if waf:
        check.outcome, check.detail = "blocked", f"blocked by a WAF: {waf}"
        return
    if status in (404, 410):
        check.outcome = "gone"
        check.detail = f"HTTP {status}"
        if site.guessed:
            check.detail += ": this column URL was guessed, not seen published; find the real column and fix the entry"
        return
    if status >= 400:
        check.outcome, check.detail = "error", f"HTTP {status}"
        return
    _read_with_spider(site, column, check, status, headers, body, final_url)


def network_reason(e: BaseException) -> str:
    """A short reason for a failed fetch."""
    reason = getattr(e, "reason", None) or e
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason}"
    if isinstance(reason, socket.gaierror):
        return f"DNS failure: {reason}"
    return f"{type(reason).__name__}: {reason}"


def _read_with_spider(site: Site, column, check: ColumnCheck, status: int, headers: dict[str, str],
                      body: bytes, final_url: str) -> None:
    """Parse the answer with the family spider and count report links and paging requests."""
    from crawler.spiders import spider_for_family

    spider = spider_for_family(site.family)(sites=[site])
    request = spider.column_request(site, column)
    ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    cls = TextResponse if ("json" in ctype or "xml" in ctype) and "html" not in ctype else HtmlResponse
    response = cls(url=final_url or column.url, status=status, headers={"Content-Type": ctype} if ctype else None,
                   body=body, encoding=None, request=request)
    try:
        results = list(spider.parse_column(response))
    except Exception as e:  # a page the spider cannot read is what this check is for
        check.outcome, check.detail = "error", f"the {site.family} spider could not read the page: {e!r}"
        return
    requests = [r for r in results if isinstance(r, Request)]
    check.report_links = sum(1 for r in requests if r.callback == spider.parse_report)
    check.list_requests = len(requests) - check.report_links
    moved = f" (redirected to {final_url})" if final_url and final_url != column.url else ""
    if check.report_links:
        paging = f", {check.list_requests} further list request(s)" if check.list_requests else ", no paging"
        check.outcome = "ok"
        check.detail = f"{check.report_links} report link(s){paging}{moved}"
    elif check.list_requests:
        check.outcome = "ok"
        check.detail = f"no report link on this page; {check.list_requests} list/API request(s) to follow{moved}"
    else:
        check.outcome = "no-reports"
        check.detail = f"HTTP {status}, {len(body)} bytes, no report link and no paging understood{moved}"
