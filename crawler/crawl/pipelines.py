"""Item pipeline: a report page, already archived, is recorded through crawler.record.document.

The pipeline only turns a ReportItem into the archived document and its origin,
and counts the outcome in the crawl's stats; crawler.record.document stores. The document
is read first in a bounded worker process, off the reactor (crawler/crawl/offloop.py),
so one slow or hostile document stalls neither the downloads nor the other sites.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.archive.documents import DocumentStore
from crawler.exceptions import ArchiveBusy
from crawler.record.document import record_document
from crawler.spiders.items import ReportItem

logger = logging.getLogger(__name__)

# outcome → the stats counter it moves (nianbao/<key> and nianbao/site/<slug>/<key>)
OUTCOME_COUNTERS = {
    "new": "reports_new", "changed": "reports_changed", "unchanged": "reports_unchanged",
    "attachment_page": "attachment_pages", "attachment_unused": "attachments_unused",
    "not_a_report": "not_a_report", "errors/extract": "errors/extract",
}


class ReportPipeline:
    """Record every ReportItem a spider yields (extract → store, crawler/record/document.py)."""

    def __init__(self, crawler: Crawler, store: DocumentStore):
        self.crawler = crawler
        self.store = store
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReportPipeline:
        db = crawler.settings.get("NIANBAO_DB")
        if not db:
            raise NotConfigured("NIANBAO_DB is not set")
        return cls(crawler, DocumentStore.shared(db, crawler.settings.get("NIANBAO_ARCHIVE_DIR")))

    def _inc(self, site: str, key: str) -> None:
        self.stats.inc_value(f"nianbao/{key}")
        self.stats.inc_value(f"nianbao/site/{site}/{key}")

    async def process_item(self, item: ReportItem) -> ReportItem:
        if not isinstance(item, ReportItem):
            return item
        from scrapy.utils.defer import maybe_deferred_to_future

        from crawler.crawl.offloop import extract_off_loop, limits_from_settings

        await maybe_deferred_to_future(extract_off_loop(self.store.db, item, limits_from_settings(self.crawler.settings)))
        try:
            item.outcome = store_report_item(self.store.db, item, self._inc)
        except ArchiveBusy as e:  # counted, and fetched again next run (no list date is kept for it)
            logger.error("not stored: %s: %s", item.url, e)
            self._inc(item.site, "errors/archive_busy")
            item.outcome = "errors/archive_busy"
        return item


def store_report_item(db, item: ReportItem, count: Callable[[str, str], None]) -> str:
    """Record one report item and count its outcome; the fleet writer stores its workers' items with it."""
    count(item.site, "reports_seen")
    from crawler.crawl.offloop import extracted_report  # read off the loop, or now in the bounded pool

    outcome = record_document(db, item.archived_document(), item.origin(), extract=lambda _doc: extracted_report(item))
    count(item.site, OUTCOME_COUNTERS[outcome])
    return outcome
