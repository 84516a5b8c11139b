"""Derived data: everything in archive.db computed from the stored reports, rebuilt after each write run.

`refresh_derived(db_path, today)` is the one owner of bodies, cross-report
findings, the `site_health` view, the reference tables, `report_facts`, the
Chinese views and the search indexes. A crawl, ingest, reextract and the fleet
writer call it once at the end of their run; `nianbao serve` never does (it
only reads). `views.py` builds what Datasette reads; `labels.py` and
`regions.py` are the names and places those views show.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.crawl.health import install_site_health
from crawler.derive.crossreport import rebuild_cross_findings
from crawler.derive.views import install_views
from crawler.record.store import open_db, write_transaction

logger = logging.getLogger(__name__)

#: Tables and views refresh_derived makes; `nianbao serve` checks for them (it does not build them).
DERIVED_MARKER = "report_facts"


def refresh_derived(db_path: str | Path, today: dt.date) -> None:
    """Bodies, cross-report findings (judged as of `today`), views and search indexes, from the archive.

    Each step is logged with its time: on a national archive this is minutes, not a pause.
    """
    db = open_db(db_path)
    try:
        with _timed("site health"), write_transaction(db):
            install_site_health(db)
        with _timed("bodies and cross-report findings"):
            rebuild_cross_findings(db, today=today)
        with _timed("views and search indexes"):
            install_views(db)
    finally:
        db.close()


@contextmanager
def _timed(step: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    logger.info("derived data: %s in %.1f s", step, time.monotonic() - started)


def has_derived(db_path: str | Path) -> bool:
    """The views Datasette shows are there (a write run has finished on this archive)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{Path(db_path).resolve()}?mode=ro", uri=True)
    try:
        return bool(conn.execute("select 1 from sqlite_master where name = ?", [DERIVED_MARKER]).fetchone())
    finally:
        conn.close()
