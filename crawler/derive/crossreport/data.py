"""What the cross-report checks read from archive.db: one report per body and year, its cells.

Loaded once per night so each check is a pure function of plain data and
of ``today`` (a parameter, never the clock), which keeps them testable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlite_utils

from crawler import schema
from crawler.extract.model import CellValue
from crawler.record.textstore import unpack_text

# archive.db stores UTC timestamps; report dates and deadlines are Beijing dates.
BEIJING = dt.timezone(dt.timedelta(hours=8))
TABULAR = ("2019", "2021")
# The cells any cross-report check reads (carry-over columns, figures the narrative states).
CROSS_KEYS = tuple(
    [f"requests.{row}.{col}" for row in ("carried_over", "carried_forward") for col in schema.REQUEST_COLUMNS]
    + ["requests.new_received.total", "requests.partly_granted.total", "requests.granted.total",
       "proactive.normative_documents.issued", "proactive.normative_documents.made", "appeals.review.total",
       "appeals.lawsuit_direct.total", "appeals.lawsuit_after_review.total"]
)


@dataclass
class ReportRow:
    """The fields of one report the checks need."""

    id: int
    body_id: int
    site: str | None
    year: int
    template: str | None
    body_level: str | None
    published: str | None
    published_source: str | None
    first_seen: str | None
    document_id: int | None
    cells_count: int
    cells: dict[str, CellValue] = field(default_factory=dict)
    methods: dict[str, str] = field(default_factory=dict)

    @property
    def tabular(self) -> bool:
        return self.template in TABULAR

    @property
    def first_seen_date(self) -> dt.date | None:
        """The Beijing date the archive first stored this report."""
        if not self.first_seen:
            return None
        t = dt.datetime.fromisoformat(self.first_seen)
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.UTC)
        return t.astimezone(BEIJING).date()


@dataclass
class Archive:
    """Reports grouped by body and year, plus when each site was crawled."""

    bodies: dict[int, dict]
    by_body: dict[int, dict[int, ReportRow]]
    crawl_dates: dict[str, list[dt.date]]
    db: sqlite_utils.Database | None = None

    def text(self, report_id: int) -> str:
        """A report's full text, read when needed (the archive's texts do not all fit in memory)."""
        if self.db is None:
            return ""
        rows = list(self.db.query("select text from reports where id = ?", [report_id]))
        return (unpack_text(rows[0]["text"]) or "") if rows else ""

    def watched(self, site: str | None, start: dt.date, end: dt.date | None = None) -> bool:
        """Whether the site was crawled on a day in [start, end) (end open = any day from start)."""
        return any(start <= d and (end is None or d < end) for d in self.crawl_dates.get(site or "", []))


def _pick(rows: list[ReportRow]) -> ReportRow:
    """Two reports of one body for one year (a reposted copy): the fuller, then the newer, reading."""
    return max(rows, key=lambda r: (r.tabular, r.cells_count, r.id))


def load_archive(db: sqlite_utils.Database) -> Archive:
    """Every report linked to a body, one per (body, year), with cells for the tabular ones."""
    bodies = {b["id"]: b for b in db.query("select * from bodies")}
    grouped: dict[tuple[int, int], list[ReportRow]] = defaultdict(list)
    for r in db.query("select id, body_id, site, year, template, body_level, published, published_source, "
                      "first_seen, document_id, cells_count from reports "
                      "where body_id is not null and year is not null and template is not null"):
        row = ReportRow(**{k: r[k] for k in ReportRow.__dataclass_fields__ if k in r and k not in ("cells", "methods")})
        row.cells_count = r["cells_count"] or 0
        grouped[(r["body_id"], r["year"])].append(row)
    by_body: dict[int, dict[int, ReportRow]] = defaultdict(dict)
    for (body_id, year), rows in grouped.items():
        by_body[body_id][year] = _pick(rows)
    wanted = {r.id: r for years in by_body.values() for r in years.values() if r.tabular}
    marks = ", ".join("?" * len(CROSS_KEYS))
    for c in db.query(f"select report_id, key, value, method from cells where key in ({marks})", list(CROSS_KEYS)):
        r = wanted.get(c["report_id"])
        if r is not None:
            r.cells[c["key"]] = c["value"]
            r.methods[c["key"]] = c["method"] or ""
    crawl_dates: dict[str, list[dt.date]] = defaultdict(list)
    if "crawl_sites" in db.table_names():
        for c in db.query("select s.site, r.started from crawl_sites s join crawl_runs r on r.id = s.run_id "
                          "where r.started is not null"):
            t = dt.datetime.fromisoformat(c["started"])
            t = t if t.tzinfo else t.replace(tzinfo=dt.UTC)
            crawl_dates[c["site"]].append(t.astimezone(BEIJING).date())
    return Archive(bodies, by_body, crawl_dates, db)
