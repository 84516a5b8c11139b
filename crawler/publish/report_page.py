"""One report as a reader sees it: facts, its tables laid out as the template prints them, its findings.

`report_context(conn, report_id)` gathers everything the page template
(templates/report.html) prints, from plain SQL on archive.db, so it can be
tested without a browser. A cell breaking a rule carries the rule in words
and 应为/实为; a rule checked on a whole column (`requests.*.total`) marks
the printed total of that column (（七）总计), the figure the rule disputes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from crawler import schema
from crawler.derive import labels
from crawler.derive.crossreport.deadlines import deadline
from crawler.derive.crossreport.finding import KINDS
from crawler.derive.rules import RULE_NAMES, rule_title
from crawler.extract import checks
from crawler.record.textstore import unpack_text


@dataclass
class CellView:
    key: str
    value: float | int | None
    raw: str | None
    findings: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.value is None:
            return ""
        return str(int(self.value)) if float(self.value).is_integer() else f"{self.value:g}"


@dataclass
class RowView:
    key: str
    label: str
    group: str
    cells: list[CellView]
    header: list[str] = field(default_factory=list)  # column labels printed above this row (主动公开: per group)


@dataclass
class PartView:
    key: str
    label: str
    columns: list[tuple[str, str]]  # (column key, Chinese label)
    rows: list[RowView]


def _dicts(conn: sqlite3.Connection, sql: str, params: list) -> list[dict]:
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')")}


def finding_cell(key: str) -> str:
    """The printed cell a finding disputes: itself, or a column rule's （七）总计 of that column."""
    part, row, col = schema.split_key(key)
    return f"{part}.results_total.{col}" if row == "*" else key


def _with_words(f: dict) -> dict:
    return {**f, "rule_name": rule_title(str(f["rule"])), "rule_text": checks.RULES.get(str(f["rule"]), ""),
            "expected_text": CellView("", f["expected"], None).text, "actual_text": CellView("", f["actual"], None).text,
            "cell_label": labels.cell_label_any(f["key"])}


def laid_out(template: str, cells: dict[str, dict], findings: list[dict]) -> list[PartView]:
    """The template's three tables, row by row in printed order, each cell with its findings."""
    by_cell: dict[str, list[dict]] = {}
    for f in findings:
        by_cell.setdefault(finding_cell(f["key"]), []).append(f)
    parts = []
    for part, rows in schema.template_rows(template).items():
        uniform = len({r.columns for r in rows}) == 1
        width = max(len(r.columns) for r in rows)
        row_views, previous = [], None
        for r in rows:
            row_cells = []
            for c in r.columns:
                key = f"{part}.{r.key}.{c}"
                got = cells.get(key)
                row_cells.append(CellView(key, got["value"] if got else None, got["raw"] if got else None,
                                          by_cell.get(key, [])))
            row_cells += [CellView("", None, None)] * (width - len(r.columns))
            header = [] if uniform or r.columns == previous else [schema.column_label(part, c) for c in r.columns]
            previous = r.columns
            row_views.append(RowView(r.key, r.label, r.group, row_cells,
                                     header + [""] * (width - len(header)) if header else []))
        columns = [(c, schema.column_label(part, c)) for c in rows[0].columns] if uniform else []
        parts.append(PartView(part, schema.PART_LABELS[part], columns, row_views))
    return parts


def _published_vs_deadline(report: dict, body: dict | None, cross: list[dict]) -> dict:
    """The deadline, and days late as 跨报告问题 counts them (its `late` finding), so the two never disagree."""
    year = report.get("year")
    level = report.get("body_level") or (body or {}).get("level")
    if not year or not level:
        return {}
    late = next((c for c in cross if c["kind"] == "late" and c["report_id"] == report["id"]), None)
    if late is not None:
        return {"deadline": late["deadline"], "days_late": late["days_late"], "published": late["published"],
                "published_source": late["published_source"]}
    out = {"deadline": deadline(level, year).isoformat()}
    if (report.get("published") or "")[:10]:
        out["days_late"] = 0
    return out


def report_context(conn: sqlite3.Connection, report_id: int) -> dict | None:
    """Everything templates/report.html prints for one report, or None when there is no such report."""
    rows = _dicts(conn, "select * from reports where id = ?", [report_id])
    if not rows:
        return None
    report = rows[0]
    report["text"] = unpack_text(report.get("text"))
    tables = _tables(conn)
    facts = _dicts(conn, "select * from report_facts where id = ?", [report_id]) if "report_facts" in tables else []
    body = None
    if report.get("body_id") and "bodies" in tables:
        found = _dicts(conn, "select * from bodies where id = ?", [report["body_id"]])
        if found:
            body = found[0]
            names = json.loads(body.get("aliases") or "{}")
            body["other_names"] = [(name, ys) for name, ys in names.items() if name != report.get("agency")]
    cells = {c["key"]: c for c in _dicts(conn, "select key, value, raw from cells where report_id = ?", [report_id])}
    findings = [_with_words(f) for f in _dicts(
        conn, "select rule, key, detail, expected, actual from findings where report_id = ? order by id", [report_id])]
    versions = _dicts(conn, "select version, document_id, fetched_at from report_versions where report_id = ? "
                            "order by version", [report_id]) if "report_versions" in tables else []
    changes = _dicts(conn, "select key, old_value, new_value, old_version, new_version from cell_changes "
                           "where report_id = ? order by new_version, key", [report_id]) \
        if "cell_changes" in tables else []
    cross = []
    if body and "cross_findings" in tables:
        cross = _dicts(conn, "select * from cross_findings where body_id = ? order by year desc, kind",
                       [body["id"]])
        for c in cross:
            c["kind_label"] = KINDS.get(c["kind"], c["kind"])
    siblings = _dicts(conn, "select id, year, agency, template from reports where body_id = ? and id != ? "
                            "order by year", [report["body_id"], report_id]) if report.get("body_id") else []
    template = report.get("template") or ""
    return {
        "report": report, "facts": facts[0] if facts else {}, "body": body,
        "body_level": labels.BODY_LEVELS.get(report.get("body_level") or "", labels.UNKNOWN_BODY_LEVEL),
        "template_label": labels.TEMPLATE_LABELS.get(template, "非报告"),
        "dates": _published_vs_deadline(report, body, cross), "versions": versions, "changes": changes,
        "parts": laid_out(template, cells, findings), "findings": findings, "cross": cross,
        "siblings": siblings, "rule_names": RULE_NAMES,
    }


def cell_context(conn: sqlite3.Connection, report_id: int, key: str) -> dict | None:
    """One cell: its labels, value, the text printed, the findings on it, where to see it in the original."""
    report = report_context(conn, report_id)
    if report is None:
        return None
    got = _dicts(conn, "select key, value, raw, method from cells where report_id = ? and key = ?", [report_id, key])
    part, row, col = schema.split_key(key)
    on_it = [f for f in report["findings"] if finding_cell(f["key"]) == key]
    return {**report, "key": key, "cell": got[0] if got else None,
            "value_text": CellView(key, got[0]["value"], None).text if got else "",
            "part_label": schema.PART_LABELS.get(part, part), "row_label": schema.row_label(part, row),
            "column_label": schema.column_label(part, col), "cell_findings": on_it}
