"""archive.db: the schema and every write, through sqlite-utils.

The store never parses anything: it is handed a `Report` (from the extractor)
and a document row (from the archive) and records them. One report per URL;
a report whose document changes gets a new version and its changed cells are
listed in `cell_changes`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from crawler import schema
from crawler.model import Report

SCHEMA_VERSION = 1


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open archive.db for writing: WAL, a busy timeout, foreign keys, the schema."""
    db = sqlite_utils.Database(path)
    db.conn.execute("PRAGMA busy_timeout = 30000")
    db.conn.execute("PRAGMA journal_mode = WAL")
    db.conn.execute("PRAGMA synchronous = NORMAL")
    ensure_schema(db)
    return db


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
    if "cells" not in db.table_names():
        db["cells"].create(
            {"report_id": int, "key": str, "part": str, "row": str, "col": str, "value": float,
             "raw": str, "method": str},
            pk=("report_id", "key"),
            foreign_keys=[("report_id", "reports", "id")],
        )
        db["cells"].create_index(["key"])
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
    # the list entry's date, so the next crawl skips a known report whose entry did not change;
    # list_url: the page the list linked when the report is its attachment
    "reports": {"list_date": str, "list_url": str,
                # the file the numbers were read from, when not the page itself (docs/architecture.md)
                "source_url": str, "source_document_id": int,
                # why the reading needs a person's look (Report.needs_review), or NULL
                "needs_review": str},
    "crawl_runs": {"mode": str, "requests": int, "response_bytes": int, "not_modified": int,
                   "reports_skipped": int},
    "crawl_sites": {"started": str, "finished": str, "requests": int, "received_bytes": int,
                    "not_modified": int, "reports_skipped": int},
}


def _add_operations_columns(db: sqlite_utils.Database) -> None:
    """Additive columns of the nightly crawl (docs/operations.md), for archives made before them."""
    for table, columns in OPERATIONS_COLUMNS.items():
        have = db[table].columns_dict
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)


def ensure_cross_schema(db: sqlite_utils.Database) -> None:
    """Bodies across years and cross-report findings (crawler/bodies.py, crawler/crossreport/)."""
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
        db["sites"].upsert_all(rows, pk="slug")


@dataclass
class StoredReport:
    id: int
    status: str  # "new", "changed", "unchanged"
    version: int


def _cell_rows(report_id: int, report: Report) -> list[dict]:
    rows = []
    for key, value in report.cells.items():
        part, row, col = schema.split_key(key)
        rows.append({
            "report_id": report_id, "key": key, "part": part, "row": row, "col": col,
            "value": value, "raw": report.raw.get(key), "method": report.method.get(key),
        })
    return rows


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
        "findings_count": len(report.findings), "text": report.text,
        "source_url": source_url, "source_document_id": source_document_id,
        "needs_review": report.needs_review,
    }
    cells_json = json.dumps(report.cells, ensure_ascii=False, sort_keys=True)
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
        report_id = db["reports"].insert({**row, "version": 1, "first_seen": fetched_at}).last_pk
    if status == "changed":
        prev = list(db.query("select cells_json from report_versions where report_id = ? and version = ?",
                             [report_id, version - 1]))
        old_cells = json.loads(prev[0]["cells_json"]) if prev else {}
        db["cell_changes"].insert_all(
            {"report_id": report_id, "key": k, "old_value": a, "new_value": b,
             "old_version": version - 1, "new_version": version, "changed_at": fetched_at}
            for k, a, b in _changed_cells(old_cells, report.cells)
        )
    if status != "unchanged" or not _has_version(db, report_id, version):
        db["report_versions"].upsert(
            {"report_id": report_id, "version": version, "document_id": document_id,
             "document_sha256": document_sha256, "fetched_at": fetched_at, "cells_json": cells_json},
            pk=("report_id", "version"),
        )
    replace_cells_and_findings(db, report_id, report)
    return StoredReport(report_id, status, version)


def _has_version(db: sqlite_utils.Database, report_id: int, version: int) -> bool:
    return bool(list(db.query("select 1 from report_versions where report_id = ? and version = ?",
                              [report_id, version])))


def replace_cells_and_findings(db: sqlite_utils.Database, report_id: int, report: Report) -> None:
    """The current reading of a report replaces the previous one."""
    db.execute("delete from cells where report_id = ?", [report_id])
    db.execute("delete from findings where report_id = ?", [report_id])
    db["cells"].insert_all(_cell_rows(report_id, report), pk=("report_id", "key"))
    db["findings"].insert_all(
        {"report_id": report_id, "rule": f.rule, "key": f.key, "detail": f.detail,
         "expected": f.expected, "actual": f.actual}
        for f in report.findings
    )


def update_reading(db: sqlite_utils.Database, report_id: int, report: Report) -> None:
    """Replace what the extractor read of a report, keeping its identity and history."""
    current = db["reports"].get(report_id)
    db["reports"].update(report_id, {
        "title": report.title or current["title"], "agency": report.agency, "year": report.year,
        "template": report.template, "published": report.published,
        "published_source": report.published_source,
        "cells_count": sum(1 for v in report.cells.values() if v is not None),
        "findings_count": len(report.findings), "text": report.text, "needs_review": report.needs_review,
    })
    replace_cells_and_findings(db, report_id, report)
