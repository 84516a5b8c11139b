"""What the nightly crawl remembers between runs: each report's list entry date.

A CMS moves a list entry's date when a report is edited, so a known report
whose entry still shows the date recorded last time need not be fetched
again (ReportSpider.report_request skips it); a new date, or none recorded, fetches it.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.archive.documents import DocumentStore
from crawler.record.document import record_list_date
from crawler.record.store import open_db
from crawler.spiders.items import ReportItem


def known_reports(db_path: str | Path) -> dict[str, str | None]:
    """{URL: list date recorded for it} for every stored report (None: date not recorded).

    A report stored from an attachment is known by the page the list linked too
    (``list_url``), so that page and its attachments are skipped together.
    """
    db = open_db(db_path)
    known: dict[str, str | None] = {}
    for r in db.query("select url, list_url, list_date from reports"):
        known[r["url"]] = r["list_date"]
        if r["list_url"] and r["list_url"] != r["url"]:
            known[r["list_url"]] = r["list_date"]
    return known


STORED_OUTCOMES = frozenset({"new", "changed", "unchanged"})


class ListDatePipeline:
    """Records the list date of each report item on its `reports` row (after ReportPipeline stored it).

    A separate step, not part of ReportPipeline, so that the date is kept for
    unchanged reports too, whose rows the store does not rewrite.
    """

    def __init__(self, store: DocumentStore):
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListDatePipeline:
        db = crawler.settings.get("NIANBAO_DB")
        if not db or crawler.settings.get("NIANBAO_DOCUMENT_STORE"):  # fleet workers hold no archive.db
            raise NotConfigured("no archive.db in this process")
        return cls(DocumentStore.shared(db, crawler.settings.get("NIANBAO_ARCHIVE_DIR")))

    def process_item(self, item: ReportItem) -> ReportItem:
        # Only a stored reading may carry the list date forward: a page that failed to extract,
        # or whose file has not been stored yet, must be fetched again next night.
        if isinstance(item, ReportItem) and item.list_date and item.outcome in STORED_OUTCOMES:
            # an attachment's report is stored under its page's URL
            record_list_date(self.store.db, item.report_url, item.list_date, item.list_url or item.url)
        return item
