"""Cross-report questions: what comparing reports (across years, text and tables, dates) shows.

``rebuild_cross_findings`` links reports to bodies and recomputes the
`cross_findings` table from the whole archive; ``crawler.derive.refresh_derived``
calls it after every write run, so the findings follow every night's crawl.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlite_utils

from crawler.derive.bodies import Alias, build_bodies
from crawler.derive.crossreport.carry_over import carry_over_findings
from crawler.derive.crossreport.data import load_archive
from crawler.derive.crossreport.deadlines import late_findings
from crawler.derive.crossreport.finding import KINDS, CrossFinding
from crawler.derive.crossreport.missing import GRACE_DAYS, missing_findings
from crawler.derive.crossreport.narrative import text_vs_table_findings

__all__ = ["KINDS", "CrossFinding", "cross_findings", "rebuild_cross_findings"]


def cross_findings(db: sqlite_utils.Database, today: dt.date, grace_days: int = GRACE_DAYS) -> list[CrossFinding]:
    """Every cross-report finding of the archive as it stands (bodies must be built)."""
    archive = load_archive(db)
    return (carry_over_findings(archive) + text_vs_table_findings(archive) + late_findings(archive)
            + missing_findings(archive, today, grace_days))


def rebuild_cross_findings(db: sqlite_utils.Database, today: dt.date, grace_days: int = GRACE_DAYS,
                           aliases: list[Alias] | None = None) -> Counter:
    """Bodies, then `cross_findings` rebuilt from scratch; returns the count per kind."""
    from crawler.record.store import ensure_cross_schema, write_transaction

    ensure_cross_schema(db)
    build_bodies(db, aliases)
    found = cross_findings(db, today, grace_days)
    with write_transaction(db):
        db.execute("delete from cross_findings")
        if found:
            db["cross_findings"].insert_all((f.row() for f in found), pk="id")
    return Counter(f.kind for f in found)
