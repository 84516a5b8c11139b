"""The report's canonical cell names (docs/schema.md), shared by every layer.

A cell is named ``part.row.column``. The extractor, the checks, the store,
the demo generator and the Datasette views all take their names and Chinese
labels from here, so a name is spelt once.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES = ("2019", "2021", "legacy")

PART_LABELS = {
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
}


@dataclass(frozen=True)
class Row:
    """One template row: its key, its printed label and its columns."""

    key: str
    label: str
    columns: tuple[str, ...]
    group: str = ""  # the printed group label above it (第二十条第（一）项, （三）不予公开 …)


# --- 二 主动公开 -------------------------------------------------------------

PROACTIVE_COLUMN_LABELS = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount_wan": "本年收费金额（单位：万元）",
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
    "amount": "采购总金额",
}

PROACTIVE_2021 = (
    Row("regulations", "规章", ("issued", "repealed", "in_force"), "第二十条第（一）项"),
    Row("normative_documents", "行政规范性文件", ("issued", "repealed", "in_force"), "第二十条第（一）项"),
    Row("licensing", "行政许可", ("decisions",), "第二十条第（五）项"),
    Row("penalties", "行政处罚", ("decisions",), "第二十条第（六）项"),
    Row("coercion", "行政强制", ("decisions",), "第二十条第（六）项"),
    Row("fees", "行政事业性收费", ("amount_wan",), "第二十条第（八）项"),
)

PROACTIVE_2019 = (
    Row("regulations", "规章", ("made", "published", "total_published"), "第二十条第（一）项"),
    Row("normative_documents", "规范性文件", ("made", "published", "total_published"), "第二十条第（一）项"),
    Row("licensing", "行政许可", ("previous", "change", "decisions"), "第二十条第（五）项"),
    Row("other_services", "其他对外管理服务事项", ("previous", "change", "decisions"), "第二十条第（五）项"),
    Row("penalties", "行政处罚", ("previous", "change", "decisions"), "第二十条第（六）项"),
    Row("coercion", "行政强制", ("previous", "change", "decisions"), "第二十条第（六）项"),
    Row("fees", "行政事业性收费", ("previous", "change"), "第二十条第（八）项"),
    Row("procurement", "政府集中采购", ("projects", "amount"), "第二十条第（九）项"),
)

# --- 三 依申请 ---------------------------------------------------------------

REQUEST_COLUMNS = ("natural_person", "business", "research", "nonprofit", "legal_services", "other_org", "total")
APPLICANT_COLUMNS = REQUEST_COLUMNS[:-1]

REQUEST_COLUMN_LABELS = {
    "natural_person": "自然人",
    "business": "商业企业",
    "research": "科研机构",
    "nonprofit": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

_R = REQUEST_COLUMNS
_DENIED = "（三）不予公开"
_UNAVAILABLE = "（四）无法提供"
_NOT_PROCESSED = "（五）不予处理"
_OTHER = "（六）其他处理"

_REQUEST_HEAD = (
    Row("new_received", "一、本年新收政府信息公开申请数量", _R),
    Row("carried_over", "二、上年结转政府信息公开申请数量", _R),
    Row("granted", "（一）予以公开", _R, "三、本年度办理结果"),
    Row("partly_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", _R, "三、本年度办理结果"),
    Row("denied_state_secret", "1.属于国家秘密", _R, _DENIED),
    Row("denied_law_forbids", "2.其他法律行政法规禁止公开", _R, _DENIED),
    Row("denied_security_stability", "3.危及“三安全一稳定”", _R, _DENIED),
    Row("denied_third_party", "4.保护第三方合法权益", _R, _DENIED),
    Row("denied_internal_affairs", "5.属于三类内部事务信息", _R, _DENIED),
    Row("denied_process_info", "6.属于四类过程性信息", _R, _DENIED),
    Row("denied_enforcement_file", "7.属于行政执法案卷", _R, _DENIED),
    Row("denied_query_matter", "8.属于行政查询事项", _R, _DENIED),
    Row("unavailable_not_held", "1.本机关不掌握相关政府信息", _R, _UNAVAILABLE),
    Row("unavailable_needs_creation", "2.没有现成信息需要另行制作", _R, _UNAVAILABLE),
    Row("unavailable_unclear", "3.补正后申请内容仍不明确", _R, _UNAVAILABLE),
    Row("not_processed_petition", "1.信访举报投诉类申请", _R, _NOT_PROCESSED),
    Row("not_processed_duplicate", "2.重复申请", _R, _NOT_PROCESSED),
    Row("not_processed_publication", "3.要求提供公开出版物", _R, _NOT_PROCESSED),
    Row("not_processed_excessive", "4.无正当理由大量反复申请", _R, _NOT_PROCESSED),
    Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", _R, _NOT_PROCESSED),
)
_REQUEST_TAIL = (
    Row("results_total", "（七）总计", _R, "三、本年度办理结果"),
    Row("carried_forward", "四、结转下年度继续办理", _R),
)

REQUESTS_2021 = _REQUEST_HEAD + (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", _R, _OTHER),
    Row("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", _R, _OTHER),
    Row("other_misc", "3.其他", _R, _OTHER),
) + _REQUEST_TAIL

REQUESTS_2019 = _REQUEST_HEAD + (Row("other", "（六）其他处理", _R, "三、本年度办理结果"),) + _REQUEST_TAIL

# Rows whose sum is results_total (rule 3).
RESULT_ROWS_2021 = tuple(r.key for r in REQUESTS_2021[2:-2])
RESULT_ROWS_2019 = tuple(r.key for r in REQUESTS_2019[2:-2])

# --- 四 复议/诉讼 -------------------------------------------------------------

APPEAL_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
APPEAL_COLUMN_LABELS = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}
APPEALS = (
    Row("review", "行政复议", APPEAL_COLUMNS),
    Row("lawsuit_direct", "行政诉讼·未经复议直接起诉", APPEAL_COLUMNS, "行政诉讼"),
    Row("lawsuit_after_review", "行政诉讼·复议后起诉", APPEAL_COLUMNS, "行政诉讼"),
)

# Cells holding decimals rather than counts.
DECIMAL_CELLS = frozenset({"proactive.fees.amount_wan", "proactive.procurement.amount"})
# Cells that may be negative (本年增/减).
SIGNED_COLUMNS = frozenset({"change"})


def template_rows(template: str) -> dict[str, tuple[Row, ...]]:
    """The rows of each table part for a template (empty for legacy)."""
    if template == "2021":
        return {"proactive": PROACTIVE_2021, "requests": REQUESTS_2021, "appeals": APPEALS}
    if template == "2019":
        return {"proactive": PROACTIVE_2019, "requests": REQUESTS_2019, "appeals": APPEALS}
    return {}


def template_keys(template: str) -> list[str]:
    """Every canonical cell key of a template, in the table's printed order."""
    keys = []
    for part, rows in template_rows(template).items():
        for row in rows:
            keys.extend(f"{part}.{row.key}.{col}" for col in row.columns)
    return keys


def split_key(key: str) -> tuple[str, str, str]:
    """``requests.granted.total`` → (``requests``, ``granted``, ``total``)."""
    part, row, col = key.split(".")
    return part, row, col


def column_label(part: str, col: str) -> str:
    if part == "requests":
        return REQUEST_COLUMN_LABELS[col]
    if part == "appeals":
        return APPEAL_COLUMN_LABELS[col]
    return PROACTIVE_COLUMN_LABELS[col]


def row_label(part: str, row: str) -> str:
    """The printed label of a row in either template."""
    for template in ("2021", "2019"):
        for r in template_rows(template).get(part, ()):
            if r.key == row:
                return r.label
    raise KeyError(f"{part}.{row}")


def cell_label(key: str) -> str:
    """A Chinese label for one cell, for people: 行政复议·结果纠正."""
    part, row, col = split_key(key)
    return f"{row_label(part, row)}·{column_label(part, col)}"


def template_for_year(year: int | None) -> str | None:
    """The template a report year must use (docs/schema.md)."""
    if year is None:
        return None
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    return "legacy"
