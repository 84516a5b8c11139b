"""The fleet writer's own tables in archive.db: which stream entries are applied, runs, item outcomes.

Beside crawler/record/store.py and, like it, the only place that writes these tables;
every function writes inside crawler.record.store.write_transaction (a savepoint of the
writer's batch transaction when called inside one).
"""

from __future__ import annotations

import json

import sqlite_utils

from crawler.record.store import open_crawl_run, upsert_sites, utcnow, write_transaction


def ensure_fleet_schema(db: sqlite_utils.Database) -> None:
    with write_transaction(db):
        if "fleet_applied" not in db.table_names():
            db["fleet_applied"].create({"stream": str, "entry_id": str}, pk=("stream", "entry_id"))
        if "fleet_runs" not in db.table_names():
            db["fleet_runs"].create({"token": str, "run_id": int, "started": str, "registry": str,
                                     "sites_json": str, "finished": str}, pk="token")
        if "fleet_items" not in db.table_names():
            db["fleet_items"].create({"run_token": str, "url": str, "site": str, "outcome": str},
                                     pk=("run_token", "url"))


def mark_applied(db: sqlite_utils.Database, stream: str, entry_ids: list[str]) -> None:
    with write_transaction(db):
        db.conn.executemany("insert or ignore into fleet_applied (stream, entry_id) values (?, ?)",
                            [(stream, i) for i in entry_ids])


def forget_applied(db: sqlite_utils.Database, stream: str, entry_ids: list[str]) -> None:
    with write_transaction(db):
        db.conn.executemany("delete from fleet_applied where stream = ? and entry_id = ?",
                            [(stream, i) for i in entry_ids])


def note_item(db: sqlite_utils.Database, token: str, url: str, site: str, outcome: str) -> None:
    """A report item's outcome in a fleet run (the run's per-site counts are summed from these)."""
    with write_transaction(db):
        db.execute("insert or ignore into fleet_items (run_token, url, site, outcome) values (?, ?, ?, ?)",
                   [token, url, site, outcome])


def open_fleet_run(db: sqlite_utils.Database, token: str, started: str, registry: str, sites: list[dict],
                   site_objects: list) -> int:
    """The run's sites, its `crawl_runs` row and its `fleet_runs` row; returns the crawl_runs id."""
    with write_transaction(db):
        upsert_sites(db, site_objects, registry)
        run_id = open_crawl_run(db, {"started": started, "registry": registry, "sites": len(sites)})
        db["fleet_runs"].insert({"token": token, "run_id": run_id, "started": started, "registry": registry,
                                 "sites_json": json.dumps(sites, ensure_ascii=False)})
    return run_id


def finish_fleet_run(db: sqlite_utils.Database, token: str) -> None:
    with write_transaction(db):
        db["fleet_runs"].update(token, {"finished": utcnow()})
