"""A body's years side by side: the key figures of each year's report and the cross findings."""

from __future__ import annotations

import sqlite_utils

# (column title, cell key or keys summed)
FIGURES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("新收申请", ("requests.new_received.total",)),
    ("上年结转", ("requests.carried_over.total",)),
    ("予以公开", ("requests.granted.total",)),
    ("办理总计", ("requests.results_total.total",)),
    ("结转下年", ("requests.carried_forward.total",)),
    ("行政复议", ("appeals.review.total",)),
    ("行政诉讼", ("appeals.lawsuit_direct.total", "appeals.lawsuit_after_review.total")),
    ("收费万元", ("proactive.fees.amount_wan",)),
)


def timeline(db: sqlite_utils.Database, body_id: int) -> list[dict]:
    """One row per report of the body, oldest year first: identity, dates and FIGURES."""
    rows = []
    for r in db.query("select id, year, title, agency, published, published_source, document_id, template "
                      "from reports where body_id = ? order by year, id", [body_id]):
        cells = {c["key"]: c["value"] for c in db.query("select key, value from cells where report_id = ?", [r["id"]])}
        row = dict(r)
        for name, keys in FIGURES:
            row[name] = sum(cells[k] or 0 for k in keys) if all(k in cells for k in keys) else None
        rows.append(row)
    return rows


def body_findings(db: sqlite_utils.Database, body_id: int) -> list[dict]:
    """The body's cross findings, by year."""
    return list(db.query("select * from cross_findings where body_id = ? order by year, kind, key", [body_id]))
