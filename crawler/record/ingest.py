"""Archive local files as `file:` documents and extract them: reports saved by hand."""

from __future__ import annotations

import mimetypes
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from crawler.archive.documents import DocumentStore
from crawler.exceptions import ArchiveBusy, NianbaoError
from crawler.extract.bounded import ExtractorPool, Limits
from crawler.extract.model import Report
from crawler.record.document import ArchivedDocument, Origin, store_reading
from crawler.settings import DOWNLOAD_MAXSIZE

SKIP_SUFFIXES = {".json", ".py", ".pyc", ".db", ".gz"}
MAX_INGEST_BYTES = DOWNLOAD_MAXSIZE  # a file the crawl would not download is not ingested either


@dataclass
class IngestResult:
    path: Path
    status: str = ""  # an outcome of crawler.record.document (new, changed, unchanged, not_a_report, …)
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
                 on_result: Callable[[IngestResult], None] | None = None,
                 processes: int | None = None) -> list[IngestResult]:
    """Each file is archived, then extracted and stored; a bad file is reported, the rest go on.

    The files are read ahead by `processes` bounded extractor processes (one a core when None) while
    this process archives and stores them one by one, in order (crawler/record/document.py).
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
    limits = Limits(workers=max(1, processes or os.cpu_count() or 1))
    ahead_n = 2 * limits.workers  # files read ahead: each extractor has the next one waiting
    try:
        with ExtractorPool(limits) as pool, ThreadPoolExecutor(limits.workers) as threads:
            ahead: dict[int, Future[_Read]] = {}
            for j in range(min(len(files), ahead_n)):
                ahead[j] = threads.submit(_read, pool, files[j])
            for i, path in enumerate(files):
                read = ahead.pop(i).result()
                if i + ahead_n < len(files):
                    ahead[i + ahead_n] = threads.submit(_read, pool, files[i + ahead_n])
                try:
                    results.append(_ingest_one(store, path, read))
                except ArchiveBusy as e:
                    for f in ahead.values():
                        f.cancel()
                    raise ArchiveBusy(f"{e}; {len(files) - i} file(s) not stored, from {path} on") from e
                if on_result:
                    on_result(results[-1])
    finally:
        store.close()
    return results


@dataclass
class _Read:
    """A file's bytes and its reading (made in an extractor process), or why there is none."""

    data: bytes | None = None
    report: Report | None = None
    error: str | None = None  # unreadable or too large: nothing archived
    extract_error: str | None = None  # archived, but not read


def _read(pool: ExtractorPool, path: Path) -> _Read:
    try:
        size = path.stat().st_size
        if size > MAX_INGEST_BYTES:  # checked before reading: a 500 MB file is not a report
            return _Read(error=f"{size // 2**20} MB, more than the {MAX_INGEST_BYTES // 2**20} MB a report file may be")
        data = path.read_bytes()
    except OSError as e:
        return _Read(error=f"unreadable ({e.strerror})")
    try:
        return _Read(data, pool.extract(data, filename=path.name, content_type=content_type_of(path),
                                        url=path.resolve().as_uri()))
    except NianbaoError as e:
        return _Read(data, extract_error=str(e))


def _ingest_one(store: DocumentStore, path: Path, read: _Read) -> IngestResult:
    result = IngestResult(path)
    if read.error or read.data is None:
        result.error = read.error
        return result
    data = read.data
    url = path.resolve().as_uri()
    ctype = content_type_of(path)
    row = store.record_file(url=url, payload=data, content_type=ctype)
    doc = ArchivedDocument(url=url, body=data, content_type=ctype, document_id=row["id"], sha256=row["sha256"],
                           fetched_at=row["last_fetched_at"], filename=path.name)
    if read.extract_error or read.report is None:
        result.error = read.extract_error
        return result
    report = read.report
    result.status = store_reading(store.db, doc, Origin(site=None, title=path.stem, file_is_source=False), report)
    result.template, result.year = report.template, report.year
    result.cells = sum(1 for v in report.cells.values() if v is not None)
    return result
