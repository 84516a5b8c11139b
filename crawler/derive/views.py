"""Shape archive.db for reading in Datasette; run after every crawl, ingest and reextract.

`install_views(db)` is idempotent. It (re)builds:

* reference tables: `regions` (行政区划 names + coordinates), `cell_labels`
  (every cell key with its Chinese label) and `rules` (the four rules);
* `report_facts`: one row per report with every cell as a column and the
  region names filled in. A table rather than a view because pivoting the
  `cells` table on every page would scan millions of rows; it is rebuilt in
  full each run, inside one transaction, so it never disagrees with `cells`;
* the Chinese views journalists read (`报告一览`, the wide per-part views,
  `不一致的报告`, `各地报告分布`), all plain projections of `report_facts`;
* full-text search: `reports_fts` (FTS5 trigram over title + text) for terms
  of three or more characters, and `report_bigrams_fts` (each report's
  distinct characters and character pairs) so that one- and two-character
  terms such as 公开 and 复议 are found; both contentless, kept in step by
  crawler/derive/search_index.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from crawler import schema
from crawler.derive import labels
from crawler.derive.map_popup import map_popup
from crawler.derive.regions import MUNICIPALITIES, load_regions
from crawler.derive.rules import rule_rows
from crawler.derive.search_index import sync_search_index, tokens_for_short_terms  # noqa: F401 (tests import it here)
from crawler.derive.sqltext import as_integer, quoted
from crawler.record.store import write_transaction

REPORT_COLUMNS = ("id", "site", "url", "title", "agency", "body_level", "year", "template", "published",
                  "document_id", "findings_count", "cells_count", "source_url", "source_document_id")
DERIVED_COLUMNS = ("site_name", "body_level_label", "template_label", "province_code", "province",
                   "city_code", "city", "district_code", "district", "latitude", "longitude")
INDEXED = ("year", "site", "agency", "province", "city", "district", "body_level_label", "template_label",
           "findings_count")



# --- headline figures ---------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One headline figure of 报告一览: a report_facts column computed from one or more cells."""

    column: str  # report_facts column
    name: str  # Chinese column name in the views
    description: str  # with its unit
    keys: tuple[str, ...]  # the cells it is, or sums (NULL when the report gives none: blank is not zero)

    def value(self, cells: dict) -> float | None:
        given = [cells[k] for k in self.keys if cells.get(k) is not None]
        return sum(given) if given else None


def _figures() -> tuple[Figure, ...]:
    t = "total"
    out = [
        Figure("new_received", "收到申请", "本年新收政府信息公开申请数量（总计，件）", (f"requests.new_received.{t}",)),
        Figure("carried_over", "上年结转", "上年结转政府信息公开申请数量（总计，件）", (f"requests.carried_over.{t}",)),
        Figure("granted", "予以公开", "办理结果：予以公开（总计，件）", (f"requests.granted.{t}",)),
        Figure("partly_granted", "部分公开", "办理结果：部分公开（总计，件）", (f"requests.partly_granted.{t}",)),
        Figure("denied", "不予公开", "办理结果：不予公开，八类理由合计（件）",
               tuple(f"requests.{k}.{t}" for k, _ in labels.DENIED_ROWS)),
    ]
    out += [Figure(k, f"不予公开·{short}", f"不予公开理由：{short}（总计，件）", (f"requests.{k}.{t}",))
            for k, short in labels.DENIED_ROWS]
    out += [
        Figure("unavailable", "无法提供", "办理结果：无法提供，三类合计（件）",
               tuple(f"requests.{r.key}.{t}" for r in schema.REQUESTS_2021 if r.key.startswith("unavailable_"))),
        Figure("not_processed", "不予处理", "办理结果：不予处理，五类合计（件）",
               tuple(f"requests.{r.key}.{t}" for r in schema.REQUESTS_2021 if r.key.startswith("not_processed_"))),
        Figure("results_total", "办理结果总计", "办理结果总计（件）", (f"requests.results_total.{t}",)),
        Figure("review", "行政复议", "政府信息公开行政复议总数（件）", ("appeals.review.total",)),
        Figure("review_corrected", "复议纠正", "行政复议结果纠正（件）", ("appeals.review.corrected",)),
        Figure("lawsuit", "行政诉讼", "政府信息公开行政诉讼总数：未经复议直接起诉 + 复议后起诉（件）",
               ("appeals.lawsuit_direct.total", "appeals.lawsuit_after_review.total")),
        Figure("lawsuit_corrected", "诉讼纠正", "行政诉讼结果纠正：两类合计（件）",
               ("appeals.lawsuit_direct.corrected", "appeals.lawsuit_after_review.corrected")),
        Figure("fees_wan", "收费金额（万元）", "主动公开：行政事业性收费本年收费金额（万元，2021版模板才有）",
               ("proactive.fees.amount_wan",)),
    ]
    return tuple(out)


FIGURES = _figures()
# Correction rates (%), from two figures: (column, name, description, numerator, denominator).
RATES = (
    ("review_rate", "复议纠正率（%）", "行政复议结果纠正 ÷ 行政复议总数 × 100（%）", "review_corrected", "review"),
    ("lawsuit_rate", "诉讼纠正率（%）", "行政诉讼结果纠正 ÷ 行政诉讼总数 × 100（%）", "lawsuit_corrected", "lawsuit"),
)
SORTABLE = ("new_received", "granted", "denied", *(k for k, _ in labels.DENIED_ROWS), "review", "lawsuit")


def _figure_values(cells: dict) -> list:
    """FIGURES then RATES for one report's cells."""
    values = {f.column: f.value(cells) for f in FIGURES}
    rates = [round(100.0 * values[num] / values[den], 1) if values[den] and values[num] is not None else None
             for _, _, _, num, den in RATES]
    return [*values.values(), *rates]


def headline_columns() -> list[tuple[str, str, str]]:
    """(SQL expression over report_facts f, Chinese name, description) of 报告一览's figures."""
    return [(f"f.{fig.column}", fig.name, fig.description) for fig in FIGURES] + [
        (f"f.{col}", name, desc) for col, name, desc, _, _ in RATES] + [
        ("f.findings_count", "不一致处数", "本报告违反勾稽关系的处数；详见「不一致的报告」")]


# --- reference tables ---------------------------------------------------------

def _replace_table(conn: sqlite3.Connection, name: str, columns: list[str], rows: list[tuple],
                   without_rowid: bool = False) -> None:
    """Raw SQL, not sqlite-utils: its helpers commit, and install_views holds one transaction.

    WITHOUT ROWID: a table keyed by its text primary key, stored once (no second b-tree for the key),
    for a table nothing reads in insertion (rowid) order.
    """
    conn.execute(f"drop table if exists {name}")
    conn.execute(f"create table {name} ({', '.join(columns)}){' without rowid' if without_rowid else ''}")
    conn.executemany(f"insert into {name} values ({', '.join('?' * len(columns))})", rows)


def install_reference_tables(db: sqlite_utils.Database) -> None:
    """regions, cell_labels and rules: small, rebuilt from code each run (labels may change)."""
    conn = db.conn
    if "regions" not in db.table_names() or not db["regions"].count:
        _replace_table(conn, "regions", ["code text primary key", "name text", "level text",
                                         "province_code text", "city_code text", "latitude real",
                                         "longitude real", "coordinates_from text"],
                       [(r.code, r.name, r.level, r.province_code, r.city_code, r.latitude, r.longitude,
                         r.coordinates_from) for r in load_regions()], without_rowid=True)
    rows = []
    for key in labels.all_cell_keys():
        part, row, col = schema.split_key(key)
        rows.append((key, part, row, col, schema.PART_LABELS[part], labels.cell_label_any(key)))
    for col in schema.REQUEST_COLUMNS:
        key = f"requests.*.{col}"
        rows.append((key, "requests", "*", col, schema.PART_LABELS["requests"], labels.cell_label_any(key)))
    _replace_table(conn, "cell_labels", ["key text primary key", "part text", "row text", "col text",
                                         "part_label text", "label text"], rows)
    _replace_table(conn, "rules", ["rule text primary key", "name text", "description text"], rule_rows())


# --- report_facts --------------------------------------------------------------

def _site_places(db: sqlite_utils.Database) -> dict[str, dict]:
    """site slug → its name, province/city/district names and coordinates."""
    regions = {r["code"]: r for r in db.query("select * from regions")}
    out = {}
    for s in db.query("select slug, name, code from sites"):
        code = (s["code"] or "").strip()
        place = {"site_name": s["name"], "province_code": None, "province": None, "city_code": None,
                 "city": None, "district_code": None, "district": None, "latitude": None, "longitude": None}
        if len(code) == 6 and code.isdigit():
            prov = regions.get(code[:2] + "0000")
            place["province_code"] = code[:2] + "0000"
            place["province"] = prov["name"] if prov else None
            if code[:2] in MUNICIPALITIES:
                place["city_code"], place["city"] = place["province_code"], place["province"]
            elif not code.endswith("0000"):
                city = regions.get(code[:4] + "00")
                place["city_code"] = code[:4] + "00"
                place["city"] = city["name"] if city else None
            if not code.endswith("00"):
                dist = regions.get(code)
                place["district_code"] = code
                place["district"] = dist["name"] if dist else None
            here = regions.get(code) or regions.get(code[:4] + "00") or prov
            if here:
                place["latitude"], place["longitude"] = here["latitude"], here["longitude"]
        out[s["slug"]] = place
    return out


def _fact_rows(conn: sqlite3.Connection, places: dict[str, dict], keys: list[str]
               ) -> Iterator[tuple[tuple, tuple]]:
    """(report_facts row, report_cells_wide row) per report, merging reports and cells by id."""
    empty_place = dict.fromkeys(DERIVED_COLUMNS)
    wanted = set(keys)
    cells = conn.execute("select report_id, key, value from cells order by report_id")
    pending = next(cells, None)
    reports = conn.execute(f"select {', '.join(REPORT_COLUMNS)} from reports order by id")
    for rep in reports:
        rid = rep[0]
        values: dict = {}
        while pending is not None and pending[0] <= rid:
            if pending[0] == rid and pending[1] in wanted and pending[2] is not None:
                v = pending[2]
                values[pending[1]] = int(v) if float(v).is_integer() and pending[1] not in schema.DECIMAL_CELLS \
                    else v
            pending = next(cells, None)
        if rep[7] is None:  # a page that is not a report: nothing to read, nothing to facet
            continue
        place = places.get(rep[1], empty_place)
        derived = {**place, "body_level_label": labels.BODY_LEVELS.get(rep[5] or "", labels.UNKNOWN_BODY_LEVEL),
                   "template_label": labels.TEMPLATE_LABELS.get(rep[7] or "", "非报告")}
        yield ((*rep, *(derived[c] for c in DERIVED_COLUMNS), *_figure_values(values)),
               (rid, *(values.get(k) for k in keys)))


def rebuild_report_facts(db: sqlite_utils.Database) -> None:
    """Drop and refill report_facts (narrow: what 报告一览 and facets read) and report_cells_wide.

    Two tables because facets and sorts scan every row: a row of ~45 columns
    reads far faster than one of ~270. The wide views join the two on id.
    """
    keys = labels.all_cell_keys()
    conn = db.conn
    conn.execute("drop table if exists report_facts")
    conn.execute("drop table if exists report_cells_wide")
    col_defs = ["id integer primary key", "site text", "url text", "title text", "agency text",
                "body_level text", "year integer", "template text", "published text",
                "document_id integer", "findings_count integer", "cells_count integer",
                "source_url text", "source_document_id integer",
                "site_name text", "body_level_label text", "template_label text", "province_code text",
                "province text", "city_code text", "city text", "district_code text", "district text",
                "latitude real", "longitude real"]
    col_defs += [f"{f.column} {'real' if f.column == 'fees_wan' else 'integer'}" for f in FIGURES]
    col_defs += [f"{col} real" for col, *_ in RATES]
    conn.execute(f"create table report_facts ({', '.join(col_defs)})")
    wide_defs = ["id integer primary key"] + [
        f"{quoted(k)} {'real' if k in schema.DECIMAL_CELLS else 'integer'}" for k in keys]
    conn.execute(f"create table report_cells_wide ({', '.join(wide_defs)})")
    fact_columns = len(REPORT_COLUMNS) + len(DERIVED_COLUMNS) + len(FIGURES) + len(RATES)
    insert_fact = f"insert into report_facts values ({', '.join('?' * fact_columns)})"
    insert_wide = f"insert into report_cells_wide values ({', '.join('?' * (len(keys) + 1))})"
    facts: list[tuple] = []
    wide: list[tuple] = []
    for fact, cells in _fact_rows(conn, _site_places(db), keys):
        facts.append(fact)
        wide.append(cells)
        if len(facts) >= 5000:
            conn.executemany(insert_fact, facts)
            conn.executemany(insert_wide, wide)
            facts.clear()
            wide.clear()
    conn.executemany(insert_fact, facts)
    conn.executemany(insert_wide, wide)
    for col in INDEXED + SORTABLE:
        # a place with the usual filters (年度, 主体层级): the place facets of a filtered list read the index
        # alone (0.22 → 0.06 s each at 500,000 reports), and a filter on the place still finds it first
        extra = ", year, body_level_label" if col in ("province", "city", "district") else ""
        conn.execute(f"create index report_facts_{col} on report_facts({col}{extra})")
    # The usual filters (年度, 主体层级) with every facet column: count and facets read the index only.
    conn.execute("create index report_facts_facets on report_facts"
                 "(year, body_level_label, template_label, province, city, district)")
    # 复议诉讼纠正率 ranks reports by rate, then by volume: one index walk instead of a sort of every row.
    conn.execute("create index report_facts_review_rate on report_facts(review_rate, review)")
    conn.execute("create index report_facts_lawsuit_rate on report_facts(lawsuit_rate, lawsuit)")
    # Wide views filter on template: their facets need (template, column) to stay index-only.
    for col in ("year", "province", "body_level_label"):
        conn.execute(f"create index report_facts_template_{col} on report_facts(template, {col})")


# --- views ------------------------------------------------------------------------


def _identity(alias: str = "f") -> list[str]:
    return [f"{alias}.{c} as {quoted(name)}" for c, name, _ in labels.IDENTITY_COLUMNS]


def _links(alias: str = "f") -> list[str]:
    return [f"{alias}.{c} as {quoted(name)}" for c, name, _ in labels.LINK_COLUMNS]


def cross_kinds() -> dict[str, str]:
    from crawler.derive.crossreport.finding import KINDS

    return dict(KINDS)


def _cross_view() -> str:
    """Cross-report findings (crawler/derive/crossreport) in readable form: between years, text vs table, dates."""
    kinds = " ".join(f"when '{k}' then '{v}'" for k, v in cross_kinds().items())
    kind = f"case c.kind {kinds} else c.kind end" if kinds else "c.kind"
    return (
        f"select c.id as {quoted('编号')}, {kind} as {quoted('问题')}, coalesce(b.display_name, b.name) as {quoted('机关')}, "
        f"s.name as {quoted('网站')}, c.year as {quoted('年度')}, p.province as {quoted('省')}, p.city as {quoted('市')}, "
        f"p.district as {quoted('区县')}, c.detail as {quoted('说明')}, {as_integer('c.value')} as {quoted('本报告数值')}, "
        f"{as_integer('c.other_value')} as {quoted('对照数值')}, c.sentence as {quoted('原文句子')}, c.deadline as {quoted('截止日期')}, "
        f"c.published as {quoted('发布日期')}, c.days_late as {quoted('逾期天数')}, c.report_id as {quoted('报告编号')}, "
        f"c.other_report_id as {quoted('对照报告编号')}, f.url as {quoted('来源网址')}, "
        f"c.document_id as {quoted('存档原件')}, c.other_document_id as {quoted('对照原件')} "
        "from cross_findings c left join bodies b on b.id = c.body_id left join sites s on s.slug = b.site "
        "left join report_facts f on f.id = c.report_id "
        # a missing report has none of its own: its region is the previous year's report's
        "left join report_facts p on p.id = coalesce(c.report_id, c.other_report_id)"
    )


def view_definitions(with_cross: bool = True) -> dict[str, str]:
    """Every Chinese view: name → select statement."""
    views = {}
    figures = [f"{expr} as {quoted(name)}" for expr, name, _ in headline_columns()]
    views["报告一览"] = (
        f"select {', '.join(_identity() + ['f.published as ' + quoted('发布日期')] + figures + _links())} "
        "from report_facts f"
    )
    views["不一致的报告"] = "select * from report_findings"
    views["各地报告分布"] = "select * from report_sites"
    if with_cross:
        views["跨报告问题"] = _cross_view()
    for name, template, part in labels.WIDE_VIEWS:
        cols = [f"w.{quoted(k)} as {quoted(label)}" for k, label in labels.wide_columns(template, part)]
        where = "f.template in ('2019', '2021')" if part == "appeals" else f"f.template = '{template}'"
        views[name] = (f"select {', '.join(_identity() + cols + _links())} "
                       f"from report_facts f join report_cells_wide w on w.id = f.id where {where}")
    return views


def findings_sql() -> str:
    """不一致的报告: one row per finding with its report's identity, rule and cell labels."""
    return (
        f"select {', '.join(_identity())}, coalesce(r.name, x.rule) as {quoted('规则')}, r.description as {quoted('规则内容')}, "
        f"coalesce(l.label, x.key) as {quoted('单元格')}, x.detail as {quoted('说明')}, "
        f"{as_integer('x.expected')} as {quoted('应为')}, {as_integer('x.actual')} as {quoted('实为')}, "
        f"{as_integer('x.actual - x.expected')} as {quoted('差额')}, "
        f"{', '.join(_links())} "
        "from findings x join report_facts f on f.id = x.report_id "
        "left join rules r on r.rule = x.rule left join cell_labels l on l.key = x.key"
    )


def site_map_sql() -> str:
    """各地报告分布: one row per site with its place, counts and popup, from report_facts."""
    return (
        f"select s.slug as {quoted('网站代号')}, s.name as {quoted('网站')}, s.code as {quoted('行政区划代码')}, "
        f"max(f.province) as {quoted('省')}, max(f.city) as {quoted('市')}, max(f.district) as {quoted('区县')}, "
        f"count(f.id) as {quoted('报告数')}, min(f.year) as {quoted('最早年度')}, max(f.year) as {quoted('最近年度')}, "
        f"sum(f.new_received) as {quoted('收到申请合计')}, "
        f"sum(f.findings_count > 0) as {quoted('不一致报告数')}, "
        f"max(f.latitude) as {quoted('纬度')}, max(f.longitude) as {quoted('经度')}, "
        f"{map_popup()} as popup "
        "from sites s join report_facts f on f.site = s.slug "
        "where f.latitude is not null group by s.slug"
    )


def rebuild_site_map(db: sqlite_utils.Database) -> None:
    """report_sites: 各地报告分布 materialised (a few thousand rows), rebuilt with report_facts.

    Grouping every report by site on each view of the map took 1.7 s at 500,000 reports.
    """
    db.conn.execute("drop table if exists report_sites")
    db.conn.execute(f"create table report_sites as {site_map_sql()}")


def rebuild_findings_table(db: sqlite_utils.Database) -> None:
    """report_findings: 不一致的报告 materialised (one row per finding), rebuilt with report_facts.

    Its six facets each joined every finding to its report: ~1 s a page at 500,000 reports.
    """
    conn = db.conn
    conn.execute("drop table if exists report_findings")
    conn.execute(f"create table report_findings as {findings_sql()}")
    conn.execute(f"create index report_findings_year on report_findings({quoted('年度')})")
    conn.execute(f"create index report_findings_report on report_findings({quoted('报告编号')})")


def install_views(db: sqlite_utils.Database) -> None:
    """Build everything Datasette reads, in one transaction; safe to run any number of times."""
    conn = db.conn
    if conn.in_transaction:  # the caller's pending writes go first: views are built on committed data
        conn.commit()
    previous = conn.isolation_level
    conn.isolation_level = None  # explicit BEGIN/COMMIT: sqlite-utils helpers must not commit half-way
    try:
        with write_transaction(db):
            _install_views(db)
    finally:
        conn.isolation_level = previous


def _install_views(db: sqlite_utils.Database) -> None:
    conn = db.conn
    for name in view_definitions():
        conn.execute(f"drop view if exists {quoted(name)}")
    install_reference_tables(db)
    rebuild_report_facts(db)
    rebuild_site_map(db)
    rebuild_findings_table(db)
    sync_search_index(db)
    tables = set(db.table_names())
    for name, sql in view_definitions(with_cross={"cross_findings", "bodies"} <= tables).items():
        conn.execute(f"create view {quoted(name)} as {sql}")
