"""Item pipeline: a report page, already archived, is extracted, checked and stored.

One job per step and one transaction per report, so a crash never leaves a
report without its cells. A page whose bytes are those already stored for
its URL is not re-extracted.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.checks import check_report
from crawler.documents import DocumentStore
from crawler.exceptions import ExtractError
from crawler.items import ReportItem
from crawler.model import Report
from crawler.store import apply_page_facts, page_facts, store_report
from crawler.substance import carries_report

logger = logging.getLogger(__name__)
_FILE_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|rtf|png|jpe?g|tiff?)$", re.I)


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

    async def process_item(self, item: ReportItem) -> ReportItem:
        if not isinstance(item, ReportItem):
            return item
        # The document is read in a bounded worker process, off the reactor (crawler/offloop.py).
        from scrapy.utils.defer import maybe_deferred_to_future

        from crawler.offloop import extract_off_loop, limits_from_settings

        await maybe_deferred_to_future(extract_off_loop(self.store.db, item, limits_from_settings(self.crawler.settings)))
        return self._store(item)

    def _store(self, item: ReportItem) -> ReportItem:
        item.outcome = store_report_item(self.store.db, item, self._inc)
        return item


def store_report_item(db, item: ReportItem, count: Callable[[str, str], None]) -> str:
    """Extract → check → store one report item; returns the outcome it counted.

    A function, not only the pipeline's method, because the fleet writer
    (crawler/fleet/writer.py) stores the items workers hand it with it.
    A report published as a file linked from its page is one row under the
    page's URL whichever of the two items comes first (see _store_attachment).
    """
    count(item.site, "reports_seen")
    if item.page_url and item.page_url != item.url:
        return _store_attachment(db, item, count)
    return _store_page(db, item, count)


def _current(db, url: str) -> dict | None:
    rows = list(db.query("select id, document_sha256, source_url, cells_count from reports where url = ?", [url]))
    return rows[0] if rows else None


def _touch(db, report_id: int, item: ReportItem) -> None:
    with db.atomic():
        db["reports"].update(report_id, {"last_seen": item.fetched_at, "gone_since": None})


def _extract(item: ReportItem, count: Callable[[str, str], None]) -> Report | None:
    from crawler.offloop import extracted_report  # read in a bounded worker process

    try:
        return extracted_report(item)
    except ExtractError as e:
        logger.error("extract failed: %s", e)
        count(item.site, "errors/extract")
        return None


def _is_file(item: ReportItem) -> bool:
    """True for a PDF/Word/Excel/image response (a list entry may point straight at one)."""
    ctype = item.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype:
        return not (ctype.startswith("text/") or "html" in ctype or ctype in ("application/xml", "application/json"))
    return bool(_FILE_RE.search(urlsplit(item.url).path))


def _store_page(db, item: ReportItem, count: Callable[[str, str], None]) -> str:
    """A page (or a file the list linked directly): its own reading, unless its numbers are in a file."""
    sha = item.archive.get("sha256")
    current = _current(db, item.url)
    attached = bool(current and current["source_url"] and current["source_url"] != item.url)
    if attached and sha and _known_page(db, item.url, sha):
        _touch(db, current["id"], item)
        count(item.site, "attachment_pages")
        return "attachment_page"
    if not attached and _same_bytes(current, sha):
        return _unchanged(db, current, item, count)
    report = _extract(item, count)
    if report is None:
        return "errors/extract"
    # a page whose only table-less reading is its title points at its file; a prose (legacy) report stands alone
    if not report.cells and (attached or (item.attachments and report.template != "legacy")):
        _remember_page(db, item, report)
        count(item.site, "attachment_pages")
        return "attachment_page"
    if report.template is None or not carries_report(report):  # soft-404s, title-only stubs: archived only
        logger.info("not a report, not stored: %s (%s)", item.url, item.title)
        count(item.site, "not_a_report")
        return "not_a_report"
    is_file = _is_file(item)
    return _store(db, item, count, report, url=item.url, document_id=item.archive.get("document_id"),
                  source_url=item.url if is_file else None,
                  source_document_id=item.archive.get("document_id") if is_file else None)


def _same_bytes(current, sha: str | None) -> bool:
    """The stored report was read from exactly these bytes: nothing to extract again."""
    return bool(current and sha and current["document_sha256"] == sha)


def _unchanged(db, current, item: ReportItem, count: Callable[[str, str], None]) -> str:
    _touch(db, current["id"], item)
    count(item.site, "reports_unchanged")
    return "unchanged"


def _known_page(db, url: str, sha: str) -> bool:
    return bool(list(db.query("select 1 from attachment_pages where url = ? and sha256 = ?", [url, sha])))


def _remember_page(db, item: ReportItem, report: Report) -> None:
    """Keep what the page says; a report already read from its file takes the page's title and date."""
    facts = page_facts(report)
    facts["title"] = facts["title"] or item.title
    document_id = item.archive.get("document_id")
    with db.atomic():
        db["attachment_pages"].upsert({"url": item.url, "document_id": document_id,
                                       "sha256": item.archive.get("sha256"), "fetched_at": item.fetched_at,
                                       **facts}, pk="url")
        current = _current(db, item.url)
        if current and current["source_url"]:
            update = {k: v for k, v in facts.items() if v}
            db["reports"].update(current["id"], {**update, "document_id": document_id,
                                                 "last_seen": item.fetched_at, "gone_since": None})


def _store_attachment(db, item: ReportItem, count: Callable[[str, str], None]) -> str:
    """A file linked from a report page: its cells, stored under the page's URL with the page's facts.

    A page read from its own tables keeps them; of two files of one page the
    first read keeps the report unless another reads more cells.
    """
    sha = item.archive.get("sha256")
    current = _current(db, item.page_url)
    if current and not current["source_url"] and current["cells_count"]:
        count(item.site, "attachments_unused")
        return "attachment_unused"
    if _same_bytes(current, sha):
        return _unchanged(db, current, item, count)
    report = _extract(item, count)
    if report is None:
        return "errors/extract"
    if report.template is None or not (report.cells or (report.template == "legacy" and not current)) or (
            not carries_report(report)):
        logger.info("attachment is not a report, not stored: %s (page %s)", item.url, item.page_url)
        count(item.site, "not_a_report")
        return "not_a_report"
    if (current and current["source_url"] not in (None, item.url)
            and len(report.cells) <= (current["cells_count"] or 0)):
        count(item.site, "attachments_unused")
        return "attachment_unused"
    page = next(iter(db.query("select * from attachment_pages where url = ?", [item.page_url])), None)
    apply_page_facts(report, page)
    return _store(db, item, count, report, url=item.page_url,
                  document_id=page["document_id"] if page else _latest_document(db, item.page_url),
                  source_url=item.url, source_document_id=item.archive.get("document_id"))


def _latest_document(db, url: str) -> int | None:
    """The page's archived document (archived before its files were requested)."""
    rows = list(db.query("select id from documents where url = ? order by id desc limit 1", [url]))
    return rows[0]["id"] if rows else None


def _store(db, item: ReportItem, count: Callable[[str, str], None], report: Report, *, url: str,
           document_id: int | None, source_url: str | None, source_document_id: int | None) -> str:
    report.findings = check_report(report.cells, report.template)
    with db.atomic():
        stored = store_report(
            db, site=item.site, url=url, report=report,
            document_id=document_id, document_sha256=item.archive.get("sha256"),
            fetched_at=item.fetched_at, title_hint=item.title, body_level=item.body_level,
            column_name=item.column, source_url=source_url, source_document_id=source_document_id,
        )
    count(item.site, f"reports_{stored.status}")
    return stored.status
