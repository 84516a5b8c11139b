"""Rebuild every report's cells and findings from the archived bytes, with no network.

After an extractor improvement this is how archive.db catches up. The
documents are read in parallel by the bounded extractor pool
(crawler/extract/bounded.py: one process a core by default), a few reports
at a time so memory does not grow with the archive, and every reading is
stored by this one process through crawler/record/document.py, in report order: the
same rows whatever the number of processes.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from crawler.archive.documents import DocumentStore
from crawler.exceptions import ExtractError, NianbaoError
from crawler.extract.bounded import Document, ExtractorPool, Limits
from crawler.extract.model import Report
from crawler.record.document import store_rereading
from crawler.record.store import apply_page_facts, page_facts

logger = logging.getLogger(__name__)

CHUNK_PER_PROCESS = 4  # reports read ahead per extractor process: enough to keep each busy


@dataclass
class ReextractCount:
    reports: int = 0
    documents: int = 0
    errors: int = 0


def reextract_all(db_path: str | Path, *, progress: bool = True, archive_dir: str | Path | None = None,
                  processes: int | None = None) -> ReextractCount:
    """Re-read each report's current document from the WARC files and store the new reading.

    `processes` extractor processes read in parallel (all cores when None).
    """
    store = DocumentStore(db_path, archive_dir)
    db = store.db
    rows = list(db.query("select id, url, document_id, source_url, source_document_id from reports "
                         "where document_id is not null or source_document_id is not null order by id"))
    count = ReextractCount()
    limits = Limits(workers=max(1, processes or os.cpu_count() or 1))
    chunk = limits.workers * CHUNK_PER_PROCESS
    bar = tqdm(total=len(rows), desc="reextract", unit="report", disable=not progress)
    with ExtractorPool(limits) as pool:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            for row, report in zip(part, _readings(store, pool, part), strict=True):
                count.documents += 1
                bar.update()
                if isinstance(report, NianbaoError):
                    logger.error("%s: %s", row["url"], report)
                    count.errors += 1
                    continue
                store_rereading(db, row["id"], report)
                count.reports += 1
    bar.close()
    store.close()
    return count


def _jobs(store: DocumentStore, row: dict) -> list[Document]:
    """The documents a report is read from: its own, or its file and then its page."""
    if not row["source_document_id"] or row["source_document_id"] == row["document_id"]:
        ctype, body = store.payload(row["document_id"] or row["source_document_id"])
        return [Document(body, content_type=ctype, url=row["url"])]
    ctype, body = store.payload(row["source_document_id"])
    jobs = [Document(body, content_type=ctype, url=row["source_url"])]
    if row["document_id"]:
        ctype, body = store.payload(row["document_id"])
        jobs.append(Document(body, content_type=ctype, url=row["url"]))
    return jobs


def _readings(store: DocumentStore, pool: ExtractorPool, rows: list[dict]) -> Iterator[Report | NianbaoError]:
    """Each row's reading (or why it failed), in order; the chunk's documents extracted in parallel."""
    jobs: list[list[Document] | NianbaoError] = []
    for row in rows:
        try:
            jobs.append(_jobs(store, row))
        except NianbaoError as e:
            jobs.append(e)
    flat = [d for j in jobs if isinstance(j, list) for d in j]
    done = iter(pool.map(flat))
    for job in jobs:
        if isinstance(job, NianbaoError):
            yield job
            continue
        got = [next(done) for _ in job]
        yield _combine(got)


def _combine(got: list[Report | ExtractError]) -> Report | NianbaoError:
    """A report's reading from its document; from its file, with the page's facts, when it has one."""
    if isinstance(got[0], ExtractError):
        return got[0]
    report = got[0]
    if len(got) > 1:
        page = got[1]
        if isinstance(page, ExtractError):
            return page
        if not page.cells:
            apply_page_facts(report, page_facts(page))
    return report
