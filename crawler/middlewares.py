"""Downloader middleware that archives every HTTP exchange as it was served.

Ordered above RedirectMiddleware (600) and HttpCompressionMiddleware (590),
so the WARC keeps every redirect and the bytes as they came off the wire.
It also makes conditional GETs: a page fetched before is asked for with its
ETag / Last-Modified, and a 304 answer is replaced by the archived copy
(flagged `not_modified`), so spiders and pipelines see the page as usual.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.documents import DocumentStore

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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        db = crawler.settings.get("NIANBAO_DB")
        if not db:
            raise NotConfigured("NIANBAO_DB is not set")
        store = DocumentStore.shared(
            db, crawler.settings.get("NIANBAO_ARCHIVE_DIR"),
            max_warc_bytes=crawler.settings.getint("NIANBAO_WARC_MAX_BYTES") or None,
            fsync=crawler.settings.getbool("NIANBAO_WARC_FSYNC", True),
        )
        mw = cls(crawler, store, crawler.settings.getbool("NIANBAO_CONDITIONAL_GET", True))
        crawler.signals.connect(mw.engine_stopped, signal=signals.engine_stopped)
        return mw

    def engine_stopped(self) -> None:
        self.store.warc._fh and self.store.warc._sync()

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
        if doc["is_new"]:
            self.stats.inc_value("nianbao/documents_new")
        request.meta["fetched_at"] = doc["last_fetched_at"]
        prior = request.meta.get("conditional_document_id")
        if response.status == 304 and prior:
            self.store.touch(prior, doc["last_fetched_at"])
            ctype, body = self.store.payload(prior)
            row = self.store.db["documents"].get(prior)
            request.meta["archive"] = _archive_meta(row)
            request.meta["not_modified"] = True
            self.stats.inc_value("nianbao/not_modified")
            headers = {"Content-Type": ctype} if ctype else {}
            return response.replace(status=200, body=body, headers=headers)
        request.meta["archive"] = _archive_meta(doc)
        return response


def _archive_meta(doc: dict) -> dict:
    return {k: doc[k] for k in ("id", "sha256", "warc_file", "warc_offset") if k in doc} | {
        "document_id": doc["id"]}
