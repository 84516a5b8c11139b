"""Item pipeline: a report page, already archived, is extracted, checked and stored.

One job per step and one transaction per report, so a crash never leaves a
report without its cells. A page whose bytes are those already stored for
its URL is not re-extracted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.checks import check_report
from crawler.documents import DocumentStore
from crawler.exceptions import ExtractError
from crawler.items import ReportItem
from crawler.store import store_report

logger = logging.getLogger(__name__)


class ReportPipeline:
    """Extract → check → store, for every ReportItem a spider yields."""

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
        store_report_item(self.store.db, item, self._inc)
        return item


def store_report_item(db, item: ReportItem, count: Callable[[str, str], None]) -> str:
    """Extract → check → store one report item; returns the outcome it counted.

    A function, not only the pipeline's method, because the fleet writer
    (crawler/fleet/writer.py) stores the items workers hand it with it.
    """
    count(item.site, "reports_seen")
    sha = item.archive.get("sha256")
    current = list(db.query("select id, document_sha256 from reports where url = ?", [item.url]))
    if current and sha and current[0]["document_sha256"] == sha:
        with db.atomic():
            db["reports"].update(current[0]["id"], {"last_seen": item.fetched_at, "gone_since": None})
        count(item.site, "reports_unchanged")
        return "unchanged"
    from crawler.extract import extract_bytes  # the extractor is heavy; load it when needed

    try:
        report = extract_bytes(item.body, url=item.url, content_type=item.headers.get("content-type"))
    except ExtractError as e:
        logger.error("extract failed: %s", e)
        count(item.site, "errors/extract")
        return "errors/extract"
    if report.template is None:
        logger.warning("not a report, not stored: %s (%s)", item.url, item.title)
        count(item.site, "not_report")
        return "not_report"
    report.findings = check_report(report.cells, report.template)
    with db.atomic():
        stored = store_report(
            db, site=item.site, url=item.url, report=report,
            document_id=item.archive.get("document_id"), document_sha256=sha,
            fetched_at=item.fetched_at, title_hint=item.title, body_level=item.body_level,
            column_name=item.column,
        )
    count(item.site, f"reports_{stored.status}")
    return stored.status
