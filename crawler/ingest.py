"""Archive local files as `file:` documents and extract them: reports saved by hand."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.documents import DocumentStore
from crawler.exceptions import ArchiveBusy, NianbaoError
from crawler.extract.bounded import extract_bounded
from crawler.record import ArchivedDocument, Origin, store_reading
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.substance import carries_report

SKIP_SUFFIXES = {".json", ".py", ".pyc", ".db", ".gz"}
MAX_INGEST_BYTES = DOWNLOAD_MAXSIZE  # a file the crawl would not download is not ingested either


@dataclass
class IngestResult:
    path: Path
    status: str = ""  # new / changed / unchanged / not a report / not stored (archive busy)
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

    `on_result` hears of each file as soon as it is done (progress for long OCR runs). When another
    process holds the write lock past the busy timeout, ArchiveBusy is raised with the files not yet
    stored named in it (none is half stored).
    """
    files = list(iter_files(paths))
    try:
        store = DocumentStore(db_path, archive_dir)
    except ArchiveBusy as e:
        raise ArchiveBusy(f"{e}; {len(files)} file(s) not stored, from {files[0] if files else '-'} on") from e
    results = []
    try:
        for i, path in enumerate(files):
            try:
                results.append(_ingest_one(store, path))
            except ArchiveBusy as e:
                raise ArchiveBusy(f"{e}; {len(files) - i} file(s) not stored, from {path} on") from e
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
    row = store.record_file(url=url, payload=data, content_type=ctype)
    doc = ArchivedDocument(url=url, body=data, content_type=ctype, document_id=row["id"], sha256=row["sha256"],
                           fetched_at=row["last_fetched_at"], filename=path.name)
    try:
        report = extract_bounded(data, filename=path.name, content_type=ctype, url=url)  # a worker process, bounded
    except NianbaoError as e:
        result.error = str(e)
        return result
    if report.template is None or not carries_report(report):  # a stub or soft-404 saved by hand
        result.status = "not a report"
        return result
    result.status = store_reading(store.db, doc, Origin(site=None, title=path.stem, file_is_source=False), report)
    result.template, result.year = report.template, report.year
    result.cells = sum(1 for v in report.cells.values() if v is not None)
    return result
