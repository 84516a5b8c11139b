"""Downloader middleware that archives every HTTP exchange as it was served.

Ordered above RedirectMiddleware (600) and HttpCompressionMiddleware (590),
so the WARC keeps every redirect and the bytes as they came off the wire.
It also makes conditional GETs: a page fetched before is asked for with its
ETag / Last-Modified, and a 304 answer is replaced by the archived copy
(flagged `not_modified`), so spiders and pipelines see the page as usual.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.responsetypes import responsetypes
from sqlite_utils.db import NotFoundError

from crawler.archive.documents import DocumentStore, open_document_store
from crawler.exceptions import ArchiveError, PayloadTooLarge

logger = logging.getLogger(__name__)


def _header_pairs(headers) -> list[tuple[str, str]]:
    pairs = []
    for k, vs in headers.items():
        for v in vs:
            pairs.append((k.decode("latin-1"), v.decode("latin-1")))
    return pairs


class ArchiveMiddleware:
    """Writes request/response/metadata WARC records and a documents row for each response."""

    def __init__(self, crawler: Crawler, store: DocumentStore, conditional: bool):
        self.crawler = crawler
        self.store = store
        self.conditional = conditional
        self.stats = crawler.stats
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE") or None  # no archived body inflates past it

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        store = open_document_store(crawler.settings)  # archive.db's, or a fleet worker's stream
        mw = cls(crawler, store, crawler.settings.getbool("NIANBAO_CONDITIONAL_GET", True))
        crawler.signals.connect(mw.engine_stopped, signal=signals.engine_stopped)
        return mw

    def engine_stopped(self) -> None:
        """Close the WARC file (and its `.writing` marker): a clean stop leaves nothing to repair.

        Another crawler of the same process that is still running opens a new file.
        """
        self.store.warc.close()

    def _count_error(self, request: Request, kind: str) -> None:
        site = request.meta.get("site") or "unknown"
        self.stats.inc_value(f"nianbao/errors/{kind}")
        self.stats.inc_value(f"nianbao/site/{site}/errors/{kind}")

    def process_request(self, request: Request) -> None:
        if not self.conditional or request.method != "GET" or request.meta.get("no_conditional"):
            return None
        v = self.store.validators(request.url)
        if v is None:
            return None
        if v.etag and b"If-None-Match" not in request.headers:
            request.headers[b"If-None-Match"] = v.etag
        if v.last_modified and b"If-Modified-Since" not in request.headers:
            request.headers[b"If-Modified-Since"] = v.last_modified
        request.meta["conditional_document_id"] = v.document_id
        return None

    def process_response(self, request: Request, response: Response) -> Response:
        site = request.meta.get("site")
        doc = self.store.record_exchange(
            url=response.url, site=site, method=request.method,
            request_headers=_header_pairs(request.headers), request_body=request.body or b"",
            status=response.status, response_headers=_header_pairs(response.headers),
            payload=response.body,
            metadata={"site": site or "", "spider": getattr(self.crawler.spider, "name", "") or "",
                      "depth": str(request.meta.get("depth", 0))},
        )
        self.stats.inc_value("nianbao/archived")
        self.stats.inc_value("nianbao/archived_bytes", len(response.body))
        # What the site sent, before a 304 is replaced: Scrapy's downloader/response_bytes (counted
        # below this middleware) sees the archived copy instead (crawl_sites.requests / received_bytes).
        prefix = f"nianbao/site/{site or stats_site(request, self.crawler)}/"
        received = len(response.body) + _header_size(response)
        self.stats.inc_value(prefix + "requests")
        self.stats.inc_value(prefix + "received_bytes", received)
        self.stats.inc_value("nianbao/received_bytes", received)
        self.stats.set_value(prefix + "finished", doc["last_fetched_at"])
        if doc["is_new"]:
            self.stats.inc_value("nianbao/documents_new")
        request.meta["fetched_at"] = doc["last_fetched_at"]
        prior = request.meta.get("conditional_document_id")
        if response.status == 304 and prior:
            try:
                ctype, body = self.store.payload(prior, self.maxsize)
                row = self.store.db["documents"].get(prior)
            except PayloadTooLarge as e:  # a compression bomb archived as served: counted and alarmed, never inflated
                from scrapy.exceptions import IgnoreRequest

                from crawler.crawl.guards import count_fault

                logger.error("%s: 304, and the archived copy is too large to read (%s)", response.url, e)
                count_fault(self.crawler, request, "too_large", hostile=True)
                raise IgnoreRequest(str(e)) from e
            except (ArchiveError, NotFoundError) as e:
                # The archived copy is gone or torn: ask again without validators, once.
                logger.error("%s: 304 but the archived copy is unreadable (%s); fetching it whole", response.url, e)
                self._count_error(request, "archive_unreadable")
                return request.replace(meta={**request.meta, "no_conditional": True,
                                             "conditional_document_id": None}, dont_filter=True)
            self.store.touch(prior, doc["last_fetched_at"])
            request.meta["archive"] = _archive_meta(row)
            request.meta["not_modified"] = True
            self.stats.inc_value("nianbao/not_modified")
            self.stats.inc_value(prefix + "not_modified")
            headers = {"Content-Type": ctype} if ctype else {}
            # A new response, not response.replace(): replace() would carry over the encoding Scrapy
            # guessed for the empty 304 body (cp1252) and garble every Chinese page.
            cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
            return cls(url=response.url, status=200, headers=headers, body=body, request=request,
                       flags=list(response.flags), ip_address=response.ip_address, protocol=response.protocol)
        request.meta["archive"] = _archive_meta(doc)
        return response


def stats_site(request: Request, crawler: Crawler) -> str:
    """The site a request's counts go to: its ``site`` meta, else (robots.txt) the site of its host."""
    site = request.meta.get("site")
    if site:
        return site
    host = urlsplit(request.url).hostname or ""
    for s in getattr(crawler.spider, "sites", None) or []:
        if host in getattr(s, "allowed_domains", ()):
            return s.slug
    return "unknown"


def _header_size(response: Response) -> int:
    """Bytes of the status line and headers as sent (approximately: ``Name: value\r\n``)."""
    return 17 + sum(len(k) + len(v) + 4 for k, vs in response.headers.items() for v in vs)


def _archive_meta(doc: dict) -> dict:
    return {k: doc[k] for k in ("id", "sha256", "warc_file", "warc_offset") if k in doc} | {
        "document_id": doc["id"]}


# -- site health: errors by kind, WAF answers ------------------------------------

WAF_STATUSES = {412, 521}
WAF_MARKERS = (b"$_ts", b"__jsl_clearance", b"acw_sc__v2", b"wzws_cid", b"_waf_", b"WZWS_CONFIRM")


def is_waf_challenge(status: int, body: bytes) -> bool:
    """A government WAF's JS/cookie challenge (瑞数 412, 加速乐 521, Aliyun, 网站卫士), not a page."""
    if status in WAF_STATUSES:
        return True
    return len(body) < 20_000 and any(m in body for m in WAF_MARKERS) and b"<table" not in body


class SiteHealthMiddleware:
    """Counts every failure by site and kind, and keeps WAF challenge pages away from spiders.

    Sits just below ArchiveMiddleware, so the challenge page is archived (it is
    what the site answered) but never parsed or stored as a report.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_redirects = crawler.settings.getint("REDIRECT_MAX_TIMES", 20)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SiteHealthMiddleware:
        return cls(crawler)

    def _count(self, request: Request, kind: str) -> None:
        site = stats_site(request, self.crawler)
        self.stats.inc_value(f"nianbao/errors/{kind}")
        self.stats.inc_value(f"nianbao/site/{site}/errors/{kind}")

    def process_response(self, request: Request, response: Response) -> Response:
        from scrapy.exceptions import IgnoreRequest

        if is_waf_challenge(response.status, response.body):
            self._count(request, "waf_blocked")
            logger.error("blocked by a WAF challenge (HTTP %s): %s", response.status, response.url)
            raise IgnoreRequest(f"WAF challenge at {response.url}")
        if response.status >= 400:
            self._count(request, f"http_{response.status}")
        elif 300 <= response.status < 400 and request.meta.get("redirect_times", 0) >= self.max_redirects:
            self._count(request, "redirect_loop")  # RedirectMiddleware drops it without an error
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        self._count(request, error_kind(exception))
        return None


def error_kind(exception: Exception) -> str:
    """A short name for a download failure: timeout, truncated, too_large, or the exception's class."""
    name = type(exception).__name__
    if name in ("TimeoutError", "TCPTimedOutError", "DownloadTimeoutError"):
        return "timeout"
    if name in ("DownloadCancelledError", "CancelledError"):
        return "too_large"  # DOWNLOAD_MAXSIZE: Scrapy cancels the download
    if name in ("ResponseDataLossError", "PotentialDataLoss") or "DataLoss" in repr(getattr(exception, "reasons", "")):
        return "truncated"  # fewer bytes than Content-Length
    if name in ("DownloadConnectionRefusedError", "ConnectionRefusedError"):
        return "refused"
    return name


class PoliteRetryMiddleware:
    """Scrapy's retries, waiting between attempts: `Retry-After` when the site sends it, else backoff.

    Replaces RetryMiddleware (550). The wait is capped by RETRY_MAX_DELAY.
    """

    def __init__(self, crawler: Crawler):
        from scrapy.downloadermiddlewares.retry import RetryMiddleware

        self._retry = RetryMiddleware.from_crawler(crawler)
        settings = crawler.settings
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("RETRY_MAX_DELAY", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        return cls(crawler)

    def delay_for(self, request: Request, response: Response | None) -> float:
        header = response.headers.get(b"Retry-After") if response is not None else None
        delay = parse_retry_after(header.decode("latin-1") if header else None)
        if delay is None:
            delay = self.base * (2 ** request.meta.get("retry_times", 0))
        return max(0.0, min(delay, self.cap))

    async def _wait(self, seconds: float) -> None:
        import asyncio

        if seconds > 0:
            await asyncio.sleep(seconds)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self._retry.retry_http_codes:
            return response
        retry = self._retry._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        await self._wait(self.delay_for(request, response))
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self._retry.exceptions_to_retry):
            return None
        retry = self._retry._retry(request, exception)
        if retry is not None:
            await self._wait(self.delay_for(request, None))
        return retry


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
