"""A worker's side of the hand-off: WARC files here, documents and report items to the Redis stream.

`StreamDocumentStore` is the DocumentStore a fleet worker's ArchiveMiddleware
writes through (NIANBAO_DOCUMENT_STORE): the WARC records are written exactly
as on a single machine, but the `documents` row goes to the stream instead of
archive.db, and "have we archived these bytes before?" is asked of a Redis
hash of sha256s (filled by workers and by the writer from archive.db), so a
known payload still becomes a revisit record. Conditional GETs are off: the
archived copy a 304 stands for may sit on another machine.

`StreamPipeline` replaces ReportPipeline on a worker: the worker reads each
report item itself, in its bounded extraction process (crawler/extract/bounded.py,
off Scrapy's loop), and streams the reading (cells, findings, text) with the
item's metadata but not its body: the writer only stores (crawler/record/document.py
with the reading given), so one writer keeps up with many workers.
When the writer falls behind (stream longer than NIANBAO_FLEET_STREAM_MAX),
the pipeline waits, which slows the worker down instead of filling Redis.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from pathlib import Path

from scrapy.crawler import Crawler

from crawler.archive.documents import DocumentStore, Validators
from crawler.archive.warc import Stored, WarcArchive, archive_dir_for
from crawler.exceptions import ExtractError
from crawler.extract.bounded import Limits, shared_pool
from crawler.extract.model import Report
from crawler.fleet.keys import Keys, resilient
from crawler.fleet.politeness import pause
from crawler.spiders.items import ReportItem

_shared: dict[tuple, StreamDocumentStore] = {}
_lock = threading.Lock()


class StreamDocumentStore(DocumentStore):
    """DocumentStore without archive.db: rows to the stream, payload index in Redis."""

    def __init__(self, client, keys: Keys, run: str, archive_dir: str | Path, max_warc_bytes: int | None = None,
                 fsync: bool = True):
        # No super().__init__(): that opens archive.db, which workers never do.
        self.client = client
        self.keys = keys
        self.run = run
        self.db = None
        self.db_path = None
        self.archive_dir = Path(archive_dir)
        kwargs = {"fsync": fsync} | ({"max_bytes": max_warc_bytes} if max_warc_bytes else {})
        self.warc = WarcArchive(self.archive_dir, **kwargs)
        self.sent = 0

    @classmethod
    def from_settings(cls, settings) -> StreamDocumentStore:
        """One per process and run, shared by the crawlers of every family."""
        archive_dir = settings.get("NIANBAO_ARCHIVE_DIR") or archive_dir_for(settings.get("NIANBAO_DB") or "archive.db")
        key = (settings["NIANBAO_FLEET_REDIS"], settings.get("NIANBAO_FLEET_PREFIX"), settings["NIANBAO_FLEET_RUN"],
               str(archive_dir))
        with _lock:
            if key not in _shared:
                _shared[key] = cls(resilient(settings["NIANBAO_FLEET_REDIS"]),
                                   Keys(settings.get("NIANBAO_FLEET_PREFIX") or "nianbao"),
                                   settings["NIANBAO_FLEET_RUN"], archive_dir,
                                   max_warc_bytes=settings.getint("NIANBAO_WARC_MAX_BYTES") or None,
                                   fsync=settings.getbool("NIANBAO_WARC_FSYNC", True))
            return _shared[key]

    @classmethod
    def close_shared(cls) -> None:
        with _lock:
            for store in _shared.values():
                store.close()
            _shared.clear()

    def known_payload(self, sha256: str) -> Stored | None:
        where = self.client.hget(self.keys.payloads, sha256)
        if not where:
            return None
        warc_file, offset, length = where.decode().split(" ")
        return Stored(sha256, warc_file, int(offset), int(length), True)

    def validators(self, url: str) -> Validators | None:
        return None

    def _upsert_document(self, *, url: str, site: str | None, source: str, status: int, fetched_at: str,
                         content_type: str | None, payload: bytes, stored: Stored,
                         etag: str | None = None, last_modified: str | None = None,
                         size: int | None = None) -> dict:
        row = {"url": url, "source": source, "site": site, "fetched_at": fetched_at, "status": status,
               "content_type": content_type, "sha256": stored.sha256,
               "size": len(payload) if size is None else size, "warc_file": stored.warc_file,
               "warc_offset": stored.warc_offset, "warc_length": stored.warc_length,
               "etag": etag, "last_modified": last_modified}
        pipe = self.client.pipeline(transaction=False)
        if not stored.duplicate:
            pipe.hsetnx(self.keys.payloads, stored.sha256,
                        f"{stored.warc_file} {stored.warc_offset} {stored.warc_length}")
        pipe.xadd(self.keys.stream, {"kind": "doc", "run": self.run, "data": json.dumps(row, ensure_ascii=False)})
        pipe.execute()
        self.sent += 1
        return {**row, "id": None, "last_fetched_at": fetched_at, "is_new": not stored.duplicate}


def item_fields(item: ReportItem, reading: Report | ExtractError | None = None) -> dict[str, bytes | str]:
    """A report item as stream fields: JSON metadata, and its reading (or why it failed) instead of the body.

    Without a reading the raw body goes, for the writer to extract (entries of an older worker).
    """
    meta = asdict(item)
    body = meta.pop("body")
    if isinstance(reading, Report):
        return {"data": json.dumps(meta, ensure_ascii=False), "body": b"",
                "report": json.dumps(reading.to_json(with_text=True), ensure_ascii=False)}
    if isinstance(reading, ExtractError):
        return {"data": json.dumps(meta, ensure_ascii=False), "body": b"", "extract_error": str(reading)}
    return {"data": json.dumps(meta, ensure_ascii=False), "body": body}


def item_from_fields(data: bytes, body: bytes) -> ReportItem:
    meta = json.loads(data)
    return ReportItem(**meta, body=body)


def reading_from_fields(fields: dict[str, bytes]) -> Report | ExtractError | None:
    """The worker's reading carried by an item entry; None when the writer must extract the body itself."""
    if "report" in fields:
        return Report.from_json(json.loads(fields["report"]))
    if "extract_error" in fields:
        return ExtractError(fields["extract_error"].decode())
    return None


def read_item(item: ReportItem, limits: Limits) -> Report | ExtractError:
    """Extract one item in this worker's bounded pool (blocking: called in a thread)."""
    try:
        return shared_pool(limits).extract(item.body, url=item.url, content_type=item.headers.get("content-type"))
    except ExtractError as e:
        return e


class StreamPipeline:
    """Item pipeline of a fleet worker: hand each ReportItem to the writer (see the module docstring)."""

    def __init__(self, crawler: Crawler, client, keys: Keys, run: str, max_backlog: int):
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.run = run
        self.max_backlog = max_backlog
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StreamPipeline:
        s = crawler.settings
        return cls(crawler, resilient(s["NIANBAO_FLEET_REDIS"]), Keys(s.get("NIANBAO_FLEET_PREFIX") or "nianbao"),
                   s["NIANBAO_FLEET_RUN"], s.getint("NIANBAO_FLEET_STREAM_MAX", 5000))

    async def process_item(self, item):
        if not isinstance(item, ReportItem):
            return item
        while self.max_backlog and self.client.xlen(self.keys.stream) > self.max_backlog:
            self.stats.inc_value("nianbao/fleet/backpressure_waits")
            await pause(0.5)
        from scrapy.utils.defer import maybe_deferred_to_future
        from twisted.internet.threads import deferToThread

        from crawler.crawl.offloop import limits_from_settings

        reading = await maybe_deferred_to_future(
            deferToThread(read_item, item, limits_from_settings(self.crawler.settings)))
        if isinstance(reading, ExtractError):
            self.stats.inc_value("nianbao/errors/extract")
        self.client.xadd(self.keys.stream, {"kind": "item", "run": self.run, **item_fields(item, reading)})
        self.stats.inc_value("nianbao/reports_seen")
        self.stats.inc_value(f"nianbao/site/{item.site}/reports_seen")
        return item
