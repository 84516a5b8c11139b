"""Archive local files as `file:` documents and extract them: reports saved by hand."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.checks import check_report
from crawler.documents import DocumentStore
from crawler.exceptions import NianbaoError
from crawler.extract.bounded import extract_bounded
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.store import store_report
from crawler.substance import carries_report

SKIP_SUFFIXES = {".json", ".py", ".pyc", ".db", ".gz"}
MAX_INGEST_BYTES = DOWNLOAD_MAXSIZE  # a file the crawl would not download is not ingested either


@dataclass
class IngestResult:
    path: Path
    status: str = ""  # new / changed / unchanged / not a report
    template: str | None = None
    year: int | None = None
    cells: int = 0
    error: str | None = None


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files given, and the files inside directories given (sorted, hidden ones skipped)."""
    for p in paths:
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and not child.name.startswith(".") and child.suffix.lower() not in SKIP_SUFFIXES:
                    yield child
        else:
            yield p


def content_type_of(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def ingest_paths(db_path: str | Path, paths: Iterable[Path], archive_dir: str | Path | None = None,
                 on_result: Callable[[IngestResult], None] | None = None) -> list[IngestResult]:
    """Each file is archived, then extracted and stored; a bad file is reported, the rest go on.

    `on_result` hears of each file as soon as it is done (progress for long OCR runs).
    """
    store = DocumentStore(db_path, archive_dir)
    results = []
    try:
        for path in iter_files(paths):
            results.append(_ingest_one(store, path))
            if on_result:
                on_result(results[-1])
    finally:
        store.close()
    return results


def _ingest_one(store: DocumentStore, path: Path) -> IngestResult:
    result = IngestResult(path)
    try:
        size = path.stat().st_size
        if size > MAX_INGEST_BYTES:  # checked before reading: a 500 MB file is not a report
            result.error = f"{size // 2**20} MB, more than the {MAX_INGEST_BYTES // 2**20} MB a report file may be"
            return result
        data = path.read_bytes()
    except OSError as e:
        result.error = f"unreadable ({e.strerror})"
        return result
    url = path.resolve().as_uri()
    ctype = content_type_of(path)
    doc = store.record_file(url=url, payload=data, content_type=ctype)
    try:
        report = extract_bounded(data, filename=path.name, content_type=ctype, url=url)  # a worker process, bounded
    except NianbaoError as e:
        result.error = str(e)
        return result
    if report.template is None or not carries_report(report):  # a stub or soft-404 saved by hand
        result.status = "not a report"
        return result
    report.findings = check_report(report.cells, report.template)
    db = store.db
    with db.atomic():
        stored = store_report(db, site=None, url=url, report=report, document_id=doc["id"],
                              document_sha256=doc["sha256"], fetched_at=doc["last_fetched_at"],
                              title_hint=path.stem)
    result.status = stored.status
    result.template, result.year = report.template, report.year
    result.cells = sum(1 for v in report.cells.values() if v is not None)
    return result
