"""Item pipeline: a report page, already archived, is recorded through crawler.record.

The pipeline only turns a ReportItem into the archived document and its origin,
and counts the outcome in the crawl's stats; crawler.record extracts and stores.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.documents import DocumentStore
from crawler.exceptions import ArchiveBusy
from crawler.items import ReportItem
from crawler.record import record_document

logger = logging.getLogger(__name__)

# outcome → the stats counter it moves (nianbao/<key> and nianbao/site/<slug>/<key>)
OUTCOME_COUNTERS = {
    "new": "reports_new", "changed": "reports_changed", "unchanged": "reports_unchanged",
    "attachment_page": "attachment_pages", "attachment_unused": "attachments_unused",
    "not_report": "not_report", "errors/extract": "errors/extract",
}


class ReportPipeline:
    """Record every ReportItem a spider yields (extract → store, crawler/record.py)."""

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

    def process_item(self, item: ReportItem) -> ReportItem:
        if not isinstance(item, ReportItem):
            return item
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
    outcome = record_document(db, item.archived_document(), item.origin())
    count(item.site, OUTCOME_COUNTERS[outcome])
    return outcome
