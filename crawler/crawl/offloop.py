"""A crawl's extraction off Scrapy's event loop, in the bounded worker pool (crawler/extract/bounded.py).

The pipeline asks `extract_off_loop` for a Deferred that fires once the
item's document is read in a worker process (through a reactor thread that
waits on the pool), so one slow or hostile document stalls neither the
downloads nor the other sites. The pipeline then stores the item as before,
and takes the reading with `extracted_report`. A document whose bytes are
those already stored for its URL is not extracted at all (the pipeline
touches the stored report instead).
"""

from __future__ import annotations

import logging

from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThread

from crawler.exceptions import ExtractError
from crawler.extract.bounded import Limits, shared_pool
from crawler.extract.model import Report
from crawler.record.document import needs_reading
from crawler.spiders.items import ReportItem

logger = logging.getLogger(__name__)

_READING = "_offloop_reading"  # the attribute that carries an item's reading from the thread to the pipeline


def limits_from_settings(settings) -> Limits:
    """NIANBAO_EXTRACT_SECONDS / _MEMORY_MB / _WORKERS, else the defaults of Limits."""
    d = Limits()
    return Limits(seconds=settings.getfloat("NIANBAO_EXTRACT_SECONDS", d.seconds),
                  memory_bytes=settings.getint("NIANBAO_EXTRACT_MEMORY_MB", d.memory_bytes >> 20) << 20,
                  workers=settings.getint("NIANBAO_EXTRACT_WORKERS", d.workers))


def needs_extraction(db, item: ReportItem) -> bool:
    """False when recording the item will not read its bytes (crawler.record.document decides, for both)."""
    return needs_reading(db, item.archived_document(), item.origin())


def _extract(item: ReportItem, limits: Limits) -> None:
    try:
        result: Report | ExtractError = shared_pool(limits).extract(
            item.body, url=item.url, content_type=item.headers.get("content-type"))
    except ExtractError as e:
        result = e
    setattr(item, _READING, result)


def extract_off_loop(db, item: ReportItem, limits: Limits) -> Deferred:
    """A Deferred firing (with None) once the item's document is read, or at once when it need not be."""
    if not needs_extraction(db, item):
        return succeed(None)
    return deferToThread(_extract, item, limits)


def extracted_report(item: ReportItem) -> Report:
    """The item's reading made off the loop; else (the fleet writer, a test) made now, still bounded."""
    result = item.__dict__.pop(_READING, None)
    if result is None:
        result = shared_pool().extract(item.body, url=item.url, content_type=item.headers.get("content-type"))
    if isinstance(result, ExtractError):
        raise result
    return result
