"""The consistency rules (勾稽关系) of docs/schema.md, applied to one report's cells.

A blank cell counts as 0. A rule is only checked when the report gives at
least one of the cells it relates, so an excerpt is not accused of what it
does not print.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crawler import schema
from crawler.extract.model import CellValue, Finding

RULES = {
    "1": "本年新收 + 上年结转 = 办理结果总计 + 结转下年度（每一列）",
    "2": "每一行的总计 = 六类申请人之和",
    "3": "办理结果总计 = 各项办理结果之和（每一列）",
    "4": "复议/诉讼每组：总计 = 维持 + 纠正 + 其他 + 尚未审结",
}


def _num(v: CellValue) -> float:
    return float(v) if v is not None else 0.0


def _given(cells: Mapping[str, CellValue], keys: Iterable[str]) -> bool:
    return any(cells.get(k) is not None for k in keys)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_rule1(cells: Mapping[str, CellValue], template: str) -> list[Finding]:
    out = []
    for col in schema.REQUEST_COLUMNS:
        keys = [f"requests.{r}.{col}" for r in ("new_received", "carried_over", "results_total", "carried_forward")]
        if not _given(cells, keys):
            continue
        left = _num(cells.get(keys[0])) + _num(cells.get(keys[1]))
        right = _num(cells.get(keys[2])) + _num(cells.get(keys[3]))
        if abs(left - right) > 1e-6:
            label = schema.REQUEST_COLUMN_LABELS[col]
            out.append(Finding("1", f"requests.*.{col}",
                               f"{label}列：本年新收+上年结转={_fmt(left)}，办理结果总计+结转下年度={_fmt(right)}",
                               expected=left, actual=right))
    return out


def check_rule2(cells: Mapping[str, CellValue], template: str) -> list[Finding]:
    out = []
    for row in schema.template_rows(template).get("requests", ()):
        total_key = f"requests.{row.key}.total"
        parts = [f"requests.{row.key}.{c}" for c in schema.APPLICANT_COLUMNS]
        if not _given(cells, parts):  # only a total printed (or nothing): nothing to add up
            continue
        s = sum(_num(cells.get(k)) for k in parts)
        t = _num(cells.get(total_key))
        if abs(s - t) > 1e-6:
            out.append(Finding("2", total_key, f"{row.label}：总计={_fmt(t)}，六类申请人之和={_fmt(s)}",
                               expected=s, actual=t))
    return out


def check_rule3(cells: Mapping[str, CellValue], template: str) -> list[Finding]:
    result_rows = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
    out = []
    for col in schema.REQUEST_COLUMNS:
        total_key = f"requests.results_total.{col}"
        parts = [f"requests.{r}.{col}" for r in result_rows]
        if cells.get(total_key) is None and not _given(cells, parts):
            continue
        s = sum(_num(cells.get(k)) for k in parts)
        t = _num(cells.get(total_key))
        if abs(s - t) > 1e-6:
            label = schema.REQUEST_COLUMN_LABELS[col]
            out.append(Finding("3", total_key, f"{label}列：办理结果总计={_fmt(t)}，各项办理结果之和={_fmt(s)}",
                               expected=s, actual=t))
    return out


def check_rule4(cells: Mapping[str, CellValue], template: str) -> list[Finding]:
    out = []
    for row in schema.APPEALS:
        keys = [f"appeals.{row.key}.{c}" for c in schema.APPEAL_COLUMNS]
        if not _given(cells, keys):
            continue
        s = sum(_num(cells.get(k)) for k in keys[:-1])
        t = _num(cells.get(keys[-1]))
        if abs(s - t) > 1e-6:
            out.append(Finding("4", keys[-1], f"{row.label}：总计={_fmt(t)}，维持+纠正+其他+尚未审结={_fmt(s)}",
                               expected=s, actual=t))
    return out


def check_report(cells: Mapping[str, CellValue], template: str | None) -> list[Finding]:
    """Every rule broken by a report's cells (none for legacy or non-reports)."""
    if template not in ("2019", "2021"):
        return []
    findings: list[Finding] = []
    for rule in (check_rule1, check_rule2, check_rule3, check_rule4):
        findings.extend(rule(cells, template))
    return findings


def count_broken(cells: Mapping[str, CellValue], template: str) -> int:
    """How many rule checks a reading breaks: fewer wins between two readings of one table."""
    return len(check_report(cells, template))
