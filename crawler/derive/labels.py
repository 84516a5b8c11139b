"""Chinese names for everything a reader sees, derived from `crawler.schema` so each is spelt once."""

from __future__ import annotations

from crawler import schema

DATABASE = "archive"

BODY_LEVELS = {
    "government": "政府",
    "department": "部门",
    "town": "乡镇街道",
    "zone": "开发区",
}
UNKNOWN_BODY_LEVEL = "未标明"

TEMPLATE_LABELS = {"2021": "2021版模板", "2019": "2019版模板", "legacy": "旧版（2019年以前）"}

# The eight reasons for refusing (（三）不予公开) in printed order: (row key, short label).
DENIED_ROWS = tuple(
    (r.key, r.label.split(".", 1)[1]) for r in schema.REQUESTS_2021 if r.key.startswith("denied_")
)


def _row(template: str, part: str, row_key: str) -> schema.Row:
    return next(r for r in schema.template_rows(template)[part] if r.key == row_key)


def wide_label(template: str, key: str) -> str:
    """A unique column name for a cell in a wide view: the printed labels, with the group when numbered.

    `requests.denied_state_secret.total` → `（三）不予公开·1.属于国家秘密·总计`;
    a bare `1.属于国家秘密` would not say which part of the table it belongs to.
    """
    part, row_key, col = schema.split_key(key)
    row = _row(template, part, row_key)
    label = row.label
    if label[:1].isdigit() and row.group:
        label = f"{row.group}·{label}"
    return f"{label}·{schema.column_label(part, col)}"


def wide_columns(template: str, part: str) -> list[tuple[str, str]]:
    """(cell key, column name) for every cell of one part of a template, in printed order."""
    out = []
    for row in schema.template_rows(template).get(part, ()):
        for col in row.columns:
            key = f"{part}.{row.key}.{col}"
            out.append((key, wide_label(template, key)))
    return out


def all_cell_keys() -> list[str]:
    """Every cell key of either template, 2021's order first, each once."""
    seen: dict[str, None] = {}
    for template in ("2021", "2019"):
        for key in schema.template_keys(template):
            seen.setdefault(key, None)
    return list(seen)


def cell_label_any(key: str) -> str:
    """The label of a cell key, or of a rule's `requests.*.total`-style pattern."""
    part, row, col = schema.split_key(key)
    if row == "*":
        return f"{schema.PART_LABELS.get(part, part)}·{schema.column_label(part, col)}列"
    for template in ("2021", "2019"):
        if any(r.key == row for r in schema.template_rows(template).get(part, ())):
            return wide_label(template, key)
    return key


# Wide views: (view name, template, part).
WIDE_VIEWS = (
    ("依申请公开（2021版）", "2021", "requests"),
    ("依申请公开（2019版）", "2019", "requests"),
    ("主动公开（2021版）", "2021", "proactive"),
    ("主动公开（2019版）", "2019", "proactive"),
    ("复议诉讼（2019与2021版）", "2021", "appeals"),
)

# Columns every per-report view starts with: (report_facts column, Chinese name, description).
IDENTITY_COLUMNS = (
    ("id", "报告编号", "archive.db 中报告的编号；点击查看该报告的全部单元格"),
    ("title", "标题", "报告标题（网页或文件上的原样文字）"),
    ("agency", "机关", "发布报告的机关（从报告正文读出）"),
    ("province", "省", "所在省级行政区（按 sites.code 行政区划代码）"),
    ("city", "市", "所在地级行政区"),
    ("district", "区县", "所在县级行政区"),
    ("body_level_label", "主体层级", "政府 / 部门 / 乡镇街道 / 开发区"),
    ("year", "年度", "报告所述年度"),
    ("template_label", "模板", "报告使用的表格模板：2021版、2019版或旧版"),
)
LINK_COLUMNS = (
    ("url", "来源网址", "报告在政府网站上的网址"),
    ("document_id", "存档原件", "本站存档的原始文件；点击以安全方式查看（不执行脚本）"),
    ("source_url", "报告文件", "数字读自的附件（PDF、Word、Excel 或扫描件）的网址；报告在网页上时为空"),
    ("source_document_id", "文件原件", "本站存档的那份附件；点击查看"),
)
