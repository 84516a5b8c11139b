"""Record one archived document: extract it, then store its reading — the one door readings go through.

The Scrapy pipeline, `nianbao ingest`, `nianbao reextract` and the fleet writer
are adapters over this module; none of them writes a report itself. Knows
nothing of Scrapy: it is handed the archived document and where it came from.

Two steps, callable apart, because extraction may run elsewhere (a worker, a
subprocess) while storing is done by the one process holding the write lock:

* `extract_document(doc)` → the extractor's `Report` (findings already set: no second check);
* `store_reading(db, doc, origin, report)` → the outcome, in one write transaction.

`record_document(db, doc, origin)` runs both, and skips extraction when the
stored report was already read from these very bytes.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlite_utils

from crawler.exceptions import ExtractError
from crawler.extract.model import Report
from crawler.extract.substance import carries_report
from crawler.record.store import (
    apply_page_facts,
    attachment_page,
    current_report,
    known_attachment_page,
    latest_document_id,
    page_facts,
    remember_attachment_page,
    set_list_date,
    store_report,
    touch_report,
    update_reading,
    write_transaction,
)

logger = logging.getLogger(__name__)
_FILE_RE = re.compile(r"\.(pdf|docx?|xlsx?|wps|et|rtf|png|jpe?g|tiff?)$", re.I)

#: What record_document / store_reading return: a stored status, or why nothing was stored.
STORED_OUTCOMES = ("new", "changed", "unchanged")
OUTCOMES = (*STORED_OUTCOMES, "attachment_page", "attachment_unused", "not_a_report", "errors/extract")


@dataclass
class ArchivedDocument:
    """A document as the archive holds it: its `documents` row's id and digest, and its bytes."""

    url: str
    body: bytes
    content_type: str | None
    document_id: int | None
    sha256: str | None
    fetched_at: str
    filename: str | None = None  # a local file's name (ingest): the extractor reads its suffix


@dataclass
class Origin:
    """Where a document came from: the site, the list entry, the registry column."""

    site: str | None
    title: str | None = None  # the title as the list printed it (or the file's stem)
    body_level: str | None = None
    column: str | None = None
    page_url: str | None = None  # an attachment: the page that links it (its report is stored there)
    attachments: list[str] = field(default_factory=list)  # a page: the files it links
    # a file the list linked directly is stored as its own source; an ingested file is not
    file_is_source: bool = True


def is_file(url: str, content_type: str | None) -> bool:
    """True for a PDF/Word/Excel/image response (a list entry may point straight at one)."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype:
        return not (ctype.startswith("text/") or "html" in ctype or ctype in ("application/xml", "application/json"))
    return bool(_FILE_RE.search(urlsplit(url).path))


def extract_document(doc: ArchivedDocument) -> Report:
    """The extractor's reading of one document (cells checked once, by the extractor); raises ExtractError."""
    from crawler.extract import extract_bytes  # the extractor is heavy; load it when needed

    return extract_bytes(doc.body, filename=doc.filename, content_type=doc.content_type, url=doc.url)


def record_document(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin,
                    extract: Callable[[ArchivedDocument], Report] = extract_document) -> str:
    """Extract → store one document; returns its outcome (one of OUTCOMES).

    A document whose reading is already stored (same bytes) is not extracted again.
    `extract` reads it (the crawl passes the reading its bounded worker process made).
    """
    with write_transaction(db):
        outcome = _without_reading(db, doc, origin)
    if outcome:
        return outcome
    try:
        report = extract(doc)
    except ExtractError as e:
        logger.error("extract failed: %s", e)
        return "errors/extract"
    return store_reading(db, doc, origin, report)


def store_reading(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin, report: Report) -> str:
    """Store an already extracted reading of `doc`, in one write transaction; returns its outcome.

    A page stands for its report unless its numbers are in a file it links; a
    file linked from a page is stored under the page's URL with the page's facts;
    of two files of one page the first read keeps the report unless another reads more cells.
    """
    with write_transaction(db):
        outcome = _without_reading(db, doc, origin)
        if outcome:
            return outcome
        if _is_attachment(doc, origin):
            return _store_attachment(db, doc, origin, report)
        return _store_page(db, doc, origin, report)


def record_list_date(db: sqlite_utils.Database, report_url: str, list_date: str, list_url: str) -> None:
    """The list entry's date of a stored report, so the next crawl skips it while the entry is unchanged."""
    with write_transaction(db):
        set_list_date(db, report_url, list_date, list_url)


def store_rereading(db: sqlite_utils.Database, report_id: int, report: Report) -> None:
    """A stored report's new reading from its archived bytes (reextract): identity and history kept."""
    with write_transaction(db):
        update_reading(db, report_id, report)


def _is_attachment(doc: ArchivedDocument, origin: Origin) -> bool:
    return bool(origin.page_url and origin.page_url != doc.url)


def _same_bytes(current: dict | None, sha: str | None) -> bool:
    """The stored report was read from exactly these bytes: nothing to extract again."""
    return bool(current and sha and current["document_sha256"] == sha)


def needs_reading(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin) -> bool:
    """Whether recording `doc` will extract it (a read only: the crawl asks before it reads off the loop)."""
    return _stored_reading(db, doc, origin) is None


def _stored_reading(db: sqlite_utils.Database, doc: ArchivedDocument,
                    origin: Origin) -> tuple[str, int | None] | None:
    """(outcome, report id to touch) when the document need not be read (seen before, or not wanted)."""
    if _is_attachment(doc, origin):
        current = current_report(db, origin.page_url)
        if current and not current["source_url"] and current["cells_count"]:
            return "attachment_unused", None  # the page was read from its own tables
        if _same_bytes(current, doc.sha256):
            return "unchanged", current["id"]
        return None
    current = current_report(db, doc.url)
    if _attached(current, doc.url) and doc.sha256 and known_attachment_page(db, doc.url, doc.sha256):
        return "attachment_page", current["id"]
    if not _attached(current, doc.url) and _same_bytes(current, doc.sha256):
        return "unchanged", current["id"]
    return None


def _without_reading(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin) -> str | None:
    """The outcome when the document need not be read, its report marked seen; else None."""
    stored = _stored_reading(db, doc, origin)
    if stored is None:
        return None
    outcome, report_id = stored
    if report_id is not None:
        touch_report(db, report_id, doc.fetched_at)
    return outcome


def _attached(current: dict | None, url: str) -> bool:
    """The report under this page's URL was read from a file the page links."""
    return bool(current and current["source_url"] and current["source_url"] != url)


def _store_page(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin, report: Report) -> str:
    """A page (or a file the list linked directly): its own reading, unless its numbers are in a file."""
    attached = _attached(current_report(db, doc.url), doc.url)
    # a page whose only table-less reading is its title points at its file; a prose (legacy) report stands alone
    if not report.cells and (attached or (origin.attachments and report.template != "legacy")):
        facts = page_facts(report)
        facts["title"] = facts["title"] or origin.title
        remember_attachment_page(db, url=doc.url, document_id=doc.document_id, sha256=doc.sha256,
                                 fetched_at=doc.fetched_at, facts=facts)
        return "attachment_page"
    if report.template is None or not carries_report(report):  # soft-404s, title-only stubs: archived only
        logger.warning("not a report, not stored: %s (%s)", doc.url, origin.title)
        return "not_a_report"
    own_file = origin.file_is_source and is_file(doc.url, doc.content_type)
    return _store(db, doc, origin, report, url=doc.url, document_id=doc.document_id,
                  source_url=doc.url if own_file else None,
                  source_document_id=doc.document_id if own_file else None)


def _store_attachment(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin, report: Report) -> str:
    """A file linked from a report page: its cells, stored under the page's URL with the page's facts."""
    page_url = origin.page_url
    current = current_report(db, page_url)
    if report.template is None or not (report.cells or (report.template == "legacy" and not current)) or (
            not carries_report(report)):
        logger.info("attachment is not a report, not stored: %s (page %s)", doc.url, page_url)
        return "not_a_report"
    if (current and current["source_url"] not in (None, doc.url)
            and len(report.cells) <= (current["cells_count"] or 0)):
        return "attachment_unused"
    page = attachment_page(db, page_url)
    apply_page_facts(report, page)
    return _store(db, doc, origin, report, url=page_url,
                  document_id=page["document_id"] if page else latest_document_id(db, page_url),
                  source_url=doc.url, source_document_id=doc.document_id)


def _store(db: sqlite_utils.Database, doc: ArchivedDocument, origin: Origin, report: Report, *, url: str,
           document_id: int | None, source_url: str | None, source_document_id: int | None) -> str:
    stored = store_report(
        db, site=origin.site, url=url, report=report,
        document_id=document_id, document_sha256=doc.sha256,
        fetched_at=doc.fetched_at, title_hint=origin.title, body_level=origin.body_level,
        column_name=origin.column, source_url=source_url, source_document_id=source_document_id,
    )
    return stored.status
