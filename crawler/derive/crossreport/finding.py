"""One cross-report finding: a row of `cross_findings`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

KINDS = {
    "carry_over": "与上年不衔接",
    "text_vs_table": "正文与表格不一致",
    "late": "逾期发布",
    "missing": "未发布",
}


@dataclass
class CrossFinding:
    """What two reports (or a report and a deadline) disagree on, with the evidence to check it."""

    kind: str
    body_id: int
    year: int
    detail: str
    report_id: int | None = None
    other_report_id: int | None = None
    key: str | None = None
    value: float | None = None
    other_value: float | None = None
    sentence: str | None = None
    deadline: str | None = None
    published: str | None = None
    published_source: str | None = None
    days_late: int | None = None
    document_id: int | None = None
    other_document_id: int | None = None
    resolved_at: str | None = None

    def row(self) -> dict:
        return asdict(self)


def fmt(x: float | None) -> str:
    """12, not 12.0; blank as 空."""
    if x is None:
        return "空"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
