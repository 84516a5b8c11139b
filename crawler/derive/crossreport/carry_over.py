"""Carry-over between years: last year's 结转下年度 must be this year's 上年结转, column by column.

Checked only where both reports print the cell (an excerpt is not accused
of what it does not show); a blank printed cell counts as 0, as in the
single-report rules.
"""

from __future__ import annotations

from crawler import schema
from crawler.derive.crossreport.data import Archive
from crawler.derive.crossreport.finding import CrossFinding, fmt


def carry_over_findings(archive: Archive) -> list[CrossFinding]:
    """One finding per column where year Y-1's carried_forward differs from year Y's carried_over."""
    out = []
    for body_id, years in sorted(archive.by_body.items()):
        for year in sorted(years):
            cur, prev = years[year], years.get(year - 1)
            if prev is None or not (cur.tabular and prev.tabular):
                continue
            for col in schema.REQUEST_COLUMNS:
                fwd_key, over_key = f"requests.carried_forward.{col}", f"requests.carried_over.{col}"
                if fwd_key not in prev.cells or over_key not in cur.cells:
                    continue
                # A blank cell counts as 0 in the checks (docs/schema.md), but is shown as printed.
                before, now = prev.cells[fwd_key], cur.cells[over_key]
                if abs(float(before or 0) - float(now or 0)) < 1e-9:
                    continue
                label = schema.REQUEST_COLUMN_LABELS[col]
                out.append(CrossFinding(
                    "carry_over", body_id, year, report_id=cur.id, other_report_id=prev.id, key=over_key,
                    value=now, other_value=before, document_id=cur.document_id,
                    other_document_id=prev.document_id,
                    detail=f"{year - 1}年报告「结转下年度继续办理」（{label}）为{_shown(before)}，"
                           f"{year}年报告「上年结转」（{label}）为{_shown(now)}",
                ))
    return out


def _shown(x: float | None) -> str:
    """3件, or 空白 for a blank cell (which the comparison counts as 0)."""
    return "空白" if x is None else f"{fmt(x)}件"
