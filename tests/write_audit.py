"""Run a demo crawl, an ingest and a reextract in this process, with every archive.db write audited.

    python -m tests.write_audit DB SITE FILE...

Every connection sqlite-utils opens gets a SQLite authorizer that notes each
INSERT / UPDATE / DELETE / CREATE / DROP / ALTER prepared outside
crawler.record.store.write_transaction. Prints the violations as JSON on the last line.
A subprocess, because Scrapy's reactor starts once per process.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
import traceback
from pathlib import Path

import sqlite_utils

from crawler.record.store import is_writing

WRITES = {getattr(sqlite3, name): name for name in (
    "SQLITE_INSERT", "SQLITE_UPDATE", "SQLITE_DELETE", "SQLITE_CREATE_TABLE", "SQLITE_CREATE_INDEX",
    "SQLITE_CREATE_VIEW", "SQLITE_CREATE_TRIGGER", "SQLITE_DROP_TABLE", "SQLITE_DROP_INDEX",
    "SQLITE_DROP_VIEW", "SQLITE_DROP_TRIGGER", "SQLITE_ALTER_TABLE")}

violations: list[dict] = []


def _authorizer(action: int, arg1, arg2, dbname, trigger) -> int:
    if action in WRITES and dbname != "temp" and not (arg1 or "").startswith("sqlite_") and not is_writing():
        frames = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in traceback.extract_stack()
                  if "/crawler/" in f.filename]
        violations.append({"action": WRITES[action], "table": arg1, "where": frames[-3:]})
    return sqlite3.SQLITE_OK


def install() -> None:
    """Every sqlite-utils connection: no statement cache (the authorizer runs at prepare time) + the audit."""
    original = sqlite_utils.Database.__init__

    def audited(self, filename_or_conn=None, *args, **kwargs):
        if isinstance(filename_or_conn, str | Path):
            filename_or_conn = sqlite3.connect(str(filename_or_conn), cached_statements=0)
        original(self, filename_or_conn, *args, **kwargs)
        self.conn.set_authorizer(_authorizer)

    sqlite_utils.Database.__init__ = audited


def main(db: Path, site: str, files: list[Path]) -> None:
    install()
    from crawler.cli.demo import DEMO_REGISTRY
    from crawler.crawl.runner import crawl
    from crawler.demo.server import DemoWeb
    from crawler.derive import refresh_derived
    from crawler.record.ingest import ingest_paths
    from crawler.record.reextract import reextract_all
    from crawler.record.store import open_db
    from crawler.sites.registry import load_registry

    today = dt.date(2026, 1, 1)
    with DemoWeb() as web:
        sites = [s for s in load_registry(DEMO_REGISTRY, bases=web.bases) if s.slug == site]
        # patient with a loaded machine: every page must arrive for the counts to be exact
        crawl(db, sites, registry_name="sites/demo.yaml",
              settings_module="crawler.settings.tests", settings={"DOWNLOAD_TIMEOUT": 180, "RETRY_TIMES": 3})
    refresh_derived(db, today)
    ingest_paths(db, files)
    refresh_derived(db, today)
    reextract_all(db, progress=False)
    refresh_derived(db, today)
    clean = len(violations)
    open_db(db).execute("update reports set title = title")  # the control: a write outside the path
    counts = {t: sqlite_utils.Database(db)[t].count for t in ("reports", "cells", "documents", "cross_findings")}
    print(json.dumps({"violations": violations[:clean], "control": violations[clean:], "counts": counts}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], [Path(p) for p in sys.argv[3:]])
