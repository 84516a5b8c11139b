"""Rebuild every report's cells and findings from the archived bytes, with no network.

After an extractor improvement this is how archive.db catches up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from crawler.documents import DocumentStore
from crawler.exceptions import NianbaoError
from crawler.extract import extract_bytes
from crawler.model import Report
from crawler.record import store_rereading
from crawler.store import apply_page_facts, page_facts

logger = logging.getLogger(__name__)


@dataclass
class ReextractCount:
    reports: int = 0
    documents: int = 0
    errors: int = 0


def reextract_all(db_path: str | Path, *, progress: bool = True, archive_dir: str | Path | None = None
                  ) -> ReextractCount:
    """Re-read each report's current document from the WARC files and store the new reading."""
    store = DocumentStore(db_path, archive_dir)
    db = store.db
    rows = list(db.query("select id, url, document_id, source_url, source_document_id from reports "
                         "where document_id is not null or source_document_id is not null order by id"))
    count = ReextractCount()
    for row in tqdm(rows, desc="reextract", unit="report", disable=not progress):
        count.documents += 1
        try:
            report = reread(store, row)
        except NianbaoError as e:
            logger.error("%s: %s", row["url"], e)
            count.errors += 1
            continue
        store_rereading(db, row["id"], report)
        count.reports += 1
    store.close()
    return count


def reread(store: DocumentStore, row: dict) -> Report:
    """A report's reading from its archived document; from its file, with the page's facts, when it has one."""
    if not row["source_document_id"] or row["source_document_id"] == row["document_id"]:
        ctype, body = store.payload(row["document_id"] or row["source_document_id"])
        return extract_bytes(body, url=row["url"], content_type=ctype)
    ctype, body = store.payload(row["source_document_id"])
    report = extract_bytes(body, url=row["source_url"], content_type=ctype)
    if row["document_id"]:
        ctype, body = store.payload(row["document_id"])
        page = extract_bytes(body, url=row["url"], content_type=ctype)
        if not page.cells:
            apply_page_facts(report, page_facts(page))
    return report
