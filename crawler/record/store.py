"""archive.db: the schema and every write, through sqlite-utils.

The store never parses anything: it is handed a `Report` (from the extractor)
and a document row (from the archive) and records them. One report per URL;
a report whose document changes gets a new version and its changed cells are
listed in `cell_changes`.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler.exceptions import ArchiveBusy
from crawler.extract.model import Report
from crawler.record.cellstore import current_cells, delete_cells, ensure_cell_schema, insert_cells
from crawler.record.textstore import pack_text

SCHEMA_VERSION = 1


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


#: How long a writer waits for another's write lock before giving up (ms); NIANBAO_BUSY_TIMEOUT_MS overrides.
BUSY_TIMEOUT_MS = 30000

# True while the current thread is inside write_transaction: the test of the one write path reads it.
_writing: ContextVar[bool] = ContextVar("nianbao_writing", default=False)


def busy_timeout_ms() -> int:
    return int(os.environ.get("NIANBAO_BUSY_TIMEOUT_MS") or BUSY_TIMEOUT_MS)


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open archive.db for writing: WAL (readers never block, nor see half a write), a busy timeout, the schema."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)  # a new archive in a folder not made yet
    db = sqlite_utils.Database(path)
    db.conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    with write_transaction(db):
        ensure_schema(db)
    return db


def is_writing() -> bool:
    """True inside write_transaction (tests check that every write to archive.db happens there)."""
    return _writing.get()


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """The one way archive.db is written: BEGIN IMMEDIATE, so a second writer waits its turn up front.

    The lock is taken before the first read of the transaction, so a read-then-write never meets
    "database is locked" halfway; a writer that cannot get it within the busy timeout raises
    ArchiveBusy (the CLI exits 75) with nothing of the transaction written. Nested calls are
    savepoints of the outer transaction.
    """
    if db.conn.in_transaction:
        token = _writing.set(True)
        try:
            with db.atomic():
                yield db
        finally:
            _writing.reset(token)
        return
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as e:
        if "locked" in str(e) or "busy" in str(e):
            raise ArchiveBusy(f"{db_file(db)}: another process is writing; gave up after "
                              f"{busy_timeout_ms() / 1000:g}s (busy timeout)") from e
        raise
    token = _writing.set(True)
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    else:
        db.conn.execute("COMMIT")
    finally:
        _writing.reset(token)


def db_file(db: sqlite_utils.Database) -> str:
    rows = db.conn.execute("PRAGMA database_list").fetchall()
    return rows[0][2] if rows else "archive.db"


def ensure_schema(db: sqlite_utils.Database) -> None:
    """Create every table and index if missing (idempotent)."""
    if "sites" not in db.table_names():
        db["sites"].create(
            {"slug": str, "name": str, "code": str, "province_code": str, "city_code": str,
             "level": str, "family": str, "registry": str, "guessed": int, "source": str},
            pk="slug",
        )
    if "documents" not in db.table_names():
        db["documents"].create(
            {"id": int, "url": str, "source": str, "site": str, "fetched_at": str, "last_fetched_at": str,
             "status": int, "content_type": str, "sha256": str, "size": int,
             "warc_file": str, "warc_offset": int, "warc_length": int},
            pk="id",
        )
        db["documents"].create_index(["url", "sha256"], unique=True)
        db["documents"].create_index(["sha256"])
    if "reports" not in db.table_names():
        db["reports"].create(
            {"id": int, "site": str, "url": str, "title": str, "agency": str, "body_level": str,
             "column_name": str, "year": int, "template": str, "published": str, "published_source": str,
             "document_id": int, "document_sha256": str, "version": int, "first_seen": str,
             "last_seen": str, "gone_since": str, "cells_count": int, "findings_count": int, "text": str},
            pk="id",
            foreign_keys=[("document_id", "documents", "id")],
        )
        db["reports"].create_index(["url"], unique=True)
        db["reports"].create_index(["site", "year"])
    ensure_cell_schema(db)
    if "findings" not in db.table_names():
        db["findings"].create(
            {"id": int, "report_id": int, "rule": str, "key": str, "detail": str,
             "expected": float, "actual": float},
            pk="id",
            foreign_keys=[("report_id", "reports", "id")],
        )
        db["findings"].create_index(["report_id"])
        db["findings"].create_index(["rule"])
    if "report_versions" not in db.table_names():
        db["report_versions"].create(
            {"report_id": int, "version": int, "document_id": int, "document_sha256": str,
             "fetched_at": str, "cells_json": str},
            pk=("report_id", "version"),
            foreign_keys=[("report_id", "reports", "id"), ("document_id", "documents", "id")],
        )
    if "cell_changes" not in db.table_names():
        db["cell_changes"].create(
            {"report_id": int, "key": str, "old_value": float, "new_value": float,
             "old_version": int, "new_version": int, "changed_at": str},
            foreign_keys=[("report_id", "reports", "id")],
        )
        db["cell_changes"].create_index(["report_id"])
    if "crawl_runs" not in db.table_names():
        db["crawl_runs"].create(
            {"id": int, "started": str, "finished": str, "registry": str, "sites": int, "pages": int,
             "bytes": int, "reports_new": int, "reports_changed": int, "reports_unchanged": int,
             "errors": int, "alarms": int, "status": str},
            pk="id",
        )
    if "crawl_sites" not in db.table_names():
        db["crawl_sites"].create(
            {"run_id": int, "site": str, "spider": str, "pages": int, "bytes": int, "reports_seen": int,
             "reports_new": int, "reports_changed": int, "reports_unchanged": int, "errors": int,
             "errors_json": str, "close_reason": str, "alarm": str},
            pk=("run_id", "site"),
            foreign_keys=[("run_id", "crawl_runs", "id")],
        )
    _add_operations_columns(db)
    ensure_cross_schema(db)
    ensure_attachment_schema(db)


def ensure_attachment_schema(db: sqlite_utils.Database) -> None:
    """What a report page that points at its file says of the report (title, agency, date).

    Kept apart from `reports` because the page and its file arrive in either
    order: whichever comes second finds the other's part here or in `reports`.
    """
    if "attachment_pages" not in db.table_names():
        db["attachment_pages"].create(
            {"url": str, "document_id": int, "sha256": str, "title": str, "agency": str, "published": str,
             "published_source": str, "fetched_at": str},
            pk="url",
        )


PAGE_FACTS = ("title", "agency", "published", "published_source")


def page_facts(report: Report) -> dict[str, Any]:
    """What a page without tables says of its report, as `attachment_pages` keeps it."""
    return {k: getattr(report, k) for k in PAGE_FACTS}


def apply_page_facts(report: Report, facts: dict[str, Any] | None) -> Report:
    """The file's reading with the page's title, agency and date where the page gives them."""
    for key in PAGE_FACTS:
        if facts and facts.get(key):
            setattr(report, key, facts[key])
    return report


# Columns added after the first release; added in place, never dropped (archives upgrade on open).
OPERATIONS_COLUMNS: dict[str, dict[str, type]] = {
    # the validators of a conditional GET (crawler/archive/documents.py)
    "documents": {"etag": str, "last_modified": str},
    # the list entry's date, so the next crawl skips a known report whose entry did not change;
    # list_url: the page the list linked when the report is its attachment
    "reports": {"list_date": str, "list_url": str,
                # the file the numbers were read from, when not the page itself (docs/architecture.md)
                "source_url": str, "source_document_id": int,
                # why the reading needs a person's look (Report.needs_review), or NULL
                "needs_review": str},
    "crawl_runs": {"mode": str, "requests": int, "response_bytes": int, "not_modified": int,
                   "reports_skipped": int, "pages_unread": int},
    # pages_unread: list pages of a column that could not be read (an API that failed, a page that
    # declares more entries than it gives a way to): they raise the site's alarm
    "crawl_sites": {"started": str, "finished": str, "requests": int, "received_bytes": int,
                    "not_modified": int, "reports_skipped": int, "not_a_report": int,
                    "pages_unread": int},
}


def _add_operations_columns(db: sqlite_utils.Database) -> None:
    """Additive columns of the nightly crawl (docs/operations.md), for archives made before them."""
    for table, columns in OPERATIONS_COLUMNS.items():
        have = db[table].columns_dict
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)


def ensure_cross_schema(db: sqlite_utils.Database) -> None:
    """Bodies across years and cross-report findings (crawler/derive/bodies.py, crawler/derive/crossreport/)."""
    if "body_id" not in db["reports"].columns_dict:
        db["reports"].add_column("body_id", int)
        db["reports"].create_index(["body_id"])
    if "bodies" not in db.table_names():
        db["bodies"].create(
            {"id": int, "site": str, "code": str, "name": str, "display_name": str, "level": str,
             "aliases": str, "first_year": int, "last_year": int, "reports": int},
            pk="id",
        )
        db["bodies"].create_index(["site", "name"], unique=True)
    if "cross_findings" not in db.table_names():
        db["cross_findings"].create(
            {"id": int, "kind": str, "body_id": int, "report_id": int, "other_report_id": int, "year": int,
             "key": str, "value": float, "other_value": float, "sentence": str, "deadline": str,
             "published": str, "published_source": str, "days_late": int, "document_id": int,
             "other_document_id": int, "resolved_at": str, "detail": str},
            pk="id",
        )
        db["cross_findings"].create_index(["kind"])
        db["cross_findings"].create_index(["body_id"])


def upsert_sites(db: sqlite_utils.Database, sites: Iterable[Any], registry: str) -> None:
    """Record the registry as loaded (registry.Site objects)."""
    rows = []
    for s in sites:
        code = str(s.code)
        rows.append({
            "slug": s.slug, "name": s.name, "code": code,
            "province_code": code[:2] + "0000", "city_code": code[:4] + "00",
            "level": s.level, "family": s.family, "registry": registry,
            "guessed": int(bool(getattr(s, "guessed", False))), "source": getattr(s, "source", None),
        })
    if rows:
        with write_transaction(db):
            db["sites"].upsert_all(rows, pk="slug")


@dataclass
class StoredReport:
    id: int
    status: str  # "new", "changed", "unchanged"
    version: int


def _changed_cells(old: dict, new: dict) -> list[tuple[str, Any, Any]]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is None and b is None:
            continue
        if a is None or b is None or abs(float(a) - float(b)) > 1e-9:
            out.append((key, a, b))
    return out


def store_report(
    db: sqlite_utils.Database,
    *,
    site: str | None,
    url: str,
    report: Report,
    document_id: int | None,
    document_sha256: str | None,
    fetched_at: str,
    title_hint: str | None = None,
    body_level: str | None = None,
    column_name: str | None = None,
    source_url: str | None = None,
    source_document_id: int | None = None,
) -> StoredReport:
    """Insert or update one report, its cells, findings and version history.

    Must run inside the caller's transaction so a crash never leaves a report
    without its cells. ``source_url``/``source_document_id`` name the file the
    cells were read from when it is not the page at ``url`` (whose document is
    ``document_id``); ``document_sha256`` is then the file's, so a new file is a new version.
    """
    existing = list(db.query("select id, document_sha256, version, first_seen from reports where url = ?", [url]))
    row = {
        "site": site, "url": url, "title": report.title or title_hint, "agency": report.agency,
        "body_level": body_level, "column_name": column_name, "year": report.year,
        "template": report.template, "published": report.published,
        "published_source": report.published_source, "document_id": document_id,
        "document_sha256": document_sha256, "last_seen": fetched_at, "gone_since": None,
        "cells_count": sum(1 for v in report.cells.values() if v is not None),
        "findings_count": len(report.findings), "text": pack_text(report.text),
        "source_url": source_url, "source_document_id": source_document_id,
        "needs_review": report.needs_review,
    }
    if existing:
        old = existing[0]
        report_id = old["id"]
        if old["document_sha256"] == document_sha256:
            status, version = "unchanged", old["version"]
        else:
            status, version = "changed", old["version"] + 1
        db["reports"].update(report_id, {**row, "version": version})
    else:
        status, version = "new", 1
        report_id = _insert(db, "reports", {**row, "version": 1, "first_seen": fetched_at})
    if status == "changed":
        # The superseded version keeps its cells as JSON; the current one's are the cells table (stored once).
        old_cells = current_cells(db, report_id)
        db.execute("update report_versions set cells_json = ? where report_id = ? and version = ? "
                   "and cells_json is null",
                   [json.dumps(old_cells, ensure_ascii=False, sort_keys=True), report_id, version - 1])
        db["cell_changes"].insert_all(
            {"report_id": report_id, "key": k, "old_value": a, "new_value": b,
             "old_version": version - 1, "new_version": version, "changed_at": fetched_at}
            for k, a, b in _changed_cells(old_cells, report.cells)
        )
    if status != "unchanged" or not _has_version(db, report_id, version):
        db.execute("insert or replace into report_versions (report_id, version, document_id, document_sha256, "
                   "fetched_at, cells_json) values (?, ?, ?, ?, ?, null)",
                   [report_id, version, document_id, document_sha256, fetched_at])
    replace_cells_and_findings(db, report_id, report)
    return StoredReport(report_id, status, version)


def _has_version(db: sqlite_utils.Database, report_id: int, version: int) -> bool:
    return bool(list(db.query("select 1 from report_versions where report_id = ? and version = ?",
                              [report_id, version])))


def replace_cells_and_findings(db: sqlite_utils.Database, report_id: int, report: Report) -> None:
    """The current reading of a report replaces the previous one."""
    delete_cells(db, report_id)
    db.execute("delete from findings where report_id = ?", [report_id])
    insert_cells(db, report_id, ((k, v, report.raw.get(k), report.method.get(k)) for k, v in report.cells.items()))
    db.conn.executemany("insert into findings (report_id, rule, key, detail, expected, actual) values (?, ?, ?, ?, ?, ?)",
                        [(report_id, f.rule, f.key, f.detail, f.expected, f.actual) for f in report.findings])


def _insert(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """One row by plain SQL (the writer stores hundreds a second; the columns exist: ensure_schema made them)."""
    cols = ", ".join(f'"{c}"' for c in row)
    return db.execute(f"insert into {table} ({cols}) values ({', '.join('?' * len(row))})", list(row.values())).lastrowid


def update_reading(db: sqlite_utils.Database, report_id: int, report: Report) -> None:
    """Replace what the extractor read of a report, keeping its identity and history."""
    current = db["reports"].get(report_id)
    db["reports"].update(report_id, {
        "title": report.title or current["title"], "agency": report.agency, "year": report.year,
        "template": report.template, "published": report.published,
        "published_source": report.published_source,
        "cells_count": sum(1 for v in report.cells.values() if v is not None),
        "findings_count": len(report.findings), "text": pack_text(report.text), "needs_review": report.needs_review,
    })
    replace_cells_and_findings(db, report_id, report)


# -- what the record step reads and writes besides the reading itself (crawler/record/document.py) -----------------

def current_report(db: sqlite_utils.Database, url: str) -> dict | None:
    """The report stored under `url`: its id, the bytes it was read from, its source file, its cell count."""
    rows = list(db.query("select id, document_sha256, source_url, cells_count from reports where url = ?", [url]))
    return rows[0] if rows else None


def known_attachment_page(db: sqlite_utils.Database, url: str, sha256: str) -> bool:
    """These bytes of a page that points at its file were read before."""
    return bool(list(db.query("select 1 from attachment_pages where url = ? and sha256 = ?", [url, sha256])))


def attachment_page(db: sqlite_utils.Database, url: str) -> dict | None:
    return next(iter(db.query("select * from attachment_pages where url = ?", [url])), None)


def latest_document_id(db: sqlite_utils.Database, url: str) -> int | None:
    """The newest archived document of `url` (a page is archived before its files are requested)."""
    rows = list(db.query("select id from documents where url = ? order by id desc limit 1", [url]))
    return rows[0]["id"] if rows else None


def touch_report(db: sqlite_utils.Database, report_id: int, seen_at: str) -> None:
    """The report was seen again, unchanged."""
    db["reports"].update(report_id, {"last_seen": seen_at, "gone_since": None})


def remember_attachment_page(db: sqlite_utils.Database, *, url: str, document_id: int | None,
                             sha256: str | None, fetched_at: str, facts: dict[str, Any]) -> None:
    """Keep what a page that points at its file says; a report already read from its file takes the page's
    title and date."""
    db["attachment_pages"].upsert({"url": url, "document_id": document_id, "sha256": sha256,
                                   "fetched_at": fetched_at, **facts}, pk="url")
    current = current_report(db, url)
    if current and current["source_url"]:
        update = {k: v for k, v in facts.items() if v}
        db["reports"].update(current["id"], {**update, "document_id": document_id,
                                             "last_seen": fetched_at, "gone_since": None})


def set_list_date(db: sqlite_utils.Database, url: str, list_date: str, list_url: str) -> None:
    db.execute("update reports set list_date = ?, list_url = ? where url = ? "
               "and (list_date is not ? or list_url is not ?)", [list_date, list_url, url, list_date, list_url])


# -- crawl runs (crawler/crawl/runner.py, crawler/fleet/writer.py) ------------------------------------------------

def open_crawl_run(db: sqlite_utils.Database, row: dict[str, Any]) -> int:
    """A `crawl_runs` row for a run that starts now (status running); returns its id."""
    with write_transaction(db):
        return db["crawl_runs"].insert({**row, "status": "running"}).last_pk


def update_crawl_run(db: sqlite_utils.Database, run_id: int, update: dict[str, Any]) -> None:
    with write_transaction(db):
        db["crawl_runs"].update(run_id, update)


def mark_killed_runs(db: sqlite_utils.Database) -> int:
    """Runs left 'running' by a killed process become 'killed'; returns how many."""
    with write_transaction(db):
        cur = db.execute("update crawl_runs set status = 'killed' where finished is null and status = 'running'")
    return cur.rowcount


def mark_reports_seen(db: sqlite_utils.Database, urls: list[str], seen_at: str) -> None:
    """Reports skipped because their list entry is unchanged were still seen."""
    with write_transaction(db):
        db.conn.executemany("update reports set last_seen = ?, gone_since = null where url = ?",
                            [(seen_at, u) for u in urls])


def record_crawl_sites(db: sqlite_utils.Database, run_id: int, sites: list[dict[str, Any]],
                       run_update: dict[str, Any]) -> None:
    """Each site's row of a finished run, and the run's totals, in one transaction."""
    with write_transaction(db):
        for row in sites:
            db["crawl_sites"].upsert({"run_id": run_id, **row}, pk=("run_id", "site"))
        db["crawl_runs"].update(run_id, run_update)
