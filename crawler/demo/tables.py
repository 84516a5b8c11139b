"""The three tables of a report (二, 三, 四) as HTML, laid out like the official templates.

Headers use rowspan/colspan as in 国办公开办函〔2019〕60号 and 〔2021〕30号;
the print style decides the quirks. ``render_tables`` returns the HTML of
each table and the gold cells that a careful reader gets from them.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from crawler import schema
from crawler.demo.style import PrintStyle, show

_TD_STYLE = "border:1px solid windowtext;padding:5px 5px 5px 5px"


@dataclass
class Cell:
    """One <td>: its inner HTML (already escaped) and its spans."""

    inner: str
    rowspan: int = 1
    colspan: int = 1


class TableWriter:
    """Collects rows of cells and the gold they carry."""

    def __init__(self, style: PrintStyle, rng: random.Random, cells: dict[str, int | float]):
        self.style, self.rng, self.cells = style, rng, cells
        self.rows: list[list[Cell]] = []
        self.gold: dict[str, int | float | None] = {}

    def label(self, text: str, rowspan: int = 1, colspan: int = 1, split: bool = True) -> Cell:
        """A label cell; long labels may be broken over <p>s or <br>s as editors do."""
        s = self.style
        if split and s.split_labels and len(text) >= 10:
            cut = len(text) // 2
            a, b = html.escape(text[:cut]), html.escape(text[cut:])
            inner = f"<p>{a}</p><p>{b}</p>" if s.split_labels == "p" else f"{a}<br/>{b}"
            return Cell(inner, rowspan, colspan)
        return Cell(self._wrap(html.escape(text)), rowspan, colspan)

    def value(self, key: str, colspan: int = 1) -> Cell:
        text, gold = show(key, self.cells[key], self.style, self.rng)
        self.gold[key] = gold
        return Cell(self._wrap(html.escape(text)) if text else "", 1, colspan)

    def _wrap(self, inner: str) -> str:
        if self.style.cell_markup == "word":
            return f'<p style="text-indent:0em;text-align:center">{inner}</p>'
        if self.style.cell_markup == "span":
            return f'<p><span style="font-family:宋体;font-size:14px">{inner}</span></p>'
        return inner

    def row(self, *cells: Cell) -> None:
        self.rows.append(list(cells))

    def html(self) -> str:
        out = ['<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%"><tbody>']
        for cells in self.rows:
            out.append("<tr>")
            for c in cells:
                attrs = ""
                if c.rowspan > 1:
                    attrs += f' rowspan="{c.rowspan}"'
                if c.colspan > 1:
                    attrs += f' colspan="{c.colspan}"'
                if self.style.cell_markup == "word":
                    attrs += f' style="{_TD_STYLE}" valign="center"'
                out.append(f"<td{attrs}>{c.inner}</td>")
            out.append("</tr>")
        out.append("</tbody></table>")
        return "".join(out)


def _one_value_row(t: TableWriter, label: str, key: str) -> None:
    """A row whose single value spans three columns (or is padded, on some pages)."""
    if t.style.no_colspan_values:
        t.row(t.label(label), t.value(key), Cell(""), Cell(""))
    else:
        t.row(t.label(label), t.value(key, colspan=3))


def proactive_table(t: TableWriter, template: str) -> None:
    """Section 二, 第二十条 items (一)(五)(六)(八)(and (九) in 2019)."""
    L = schema.PROACTIVE_COLUMN_LABELS
    head = t.label
    if template == "2021":
        t.row(head("第二十条第（一）项", colspan=4))
        t.row(head("信息内容"), head(L["issued"]), head(L["repealed"]), head(L["in_force"]))
        for row in schema.PROACTIVE_2021[:2]:
            t.row(head(row.label), *(t.value(f"proactive.{row.key}.{c}") for c in row.columns))
        for item, rows, col_label in (("（五）", schema.PROACTIVE_2021[2:3], L["decisions"]),
                                      ("（六）", schema.PROACTIVE_2021[3:5], L["decisions"]),
                                      ("（八）", schema.PROACTIVE_2021[5:6], L["amount_wan"])):
            t.row(head(f"第二十条第{item}项", colspan=4))
            t.row(head("信息内容"), head(col_label, colspan=3, split=False))
            for row in rows:
                _one_value_row(t, row.label, f"proactive.{row.key}.{row.columns[0]}")
        return
    t.row(head("第二十条第（一）项", colspan=4))
    t.row(head("信息内容"), head(L["made"]), head(L["published"]), head(L["total_published"]))
    for row in schema.PROACTIVE_2019[:2]:
        t.row(head(row.label), *(t.value(f"proactive.{row.key}.{c}") for c in row.columns))
    for item, rows in (("（五）", schema.PROACTIVE_2019[2:4]), ("（六）", schema.PROACTIVE_2019[4:6])):
        t.row(head(f"第二十条第{item}项", colspan=4))
        t.row(head("信息内容"), head(L["previous"]), head(L["change"]), head("处理决定数量"))
        for row in rows:
            t.row(head(row.label), *(t.value(f"proactive.{row.key}.{c}") for c in row.columns))
    t.row(head("第二十条第（八）项", colspan=4))
    t.row(head("信息内容"), head(L["previous"]), head(L["change"], colspan=2))
    t.row(head("行政事业性收费"), t.value("proactive.fees.previous"), t.value("proactive.fees.change", colspan=2))
    t.row(head("第二十条第（九）项", colspan=4))
    amount_head = L["amount"] if t.style.procurement_unit_in_cell else L["amount"] + "（单位：万元）"
    t.row(head("信息内容"), head(L["projects"]), head(amount_head, colspan=2, split=False))
    t.row(head("政府集中采购"), t.value("proactive.procurement.projects"),
          t.value("proactive.procurement.amount", colspan=2))


def _request_label(style: PrintStyle, row: schema.Row) -> str:
    label = row.label
    if row.key == "denied_enforcement_file" and style.misspell_enforcement:
        label = label.replace("行政执法案卷", "行政制法案件")
    if row.key == "denied_internal_affairs" and style.misspell_internal:
        label = label.replace("三类内部事务信息", "三类内容事务信息")
    if style.drop_numbering and row.group in ("（三）不予公开", "（四）无法提供") and label[1] == ".":
        label = label[2:]
    return label


def requests_table(t: TableWriter, template: str) -> None:
    """Section 三, the wide applications table with its three-level header."""
    rows = schema.template_rows(template)["requests"]
    L = schema.REQUEST_COLUMN_LABELS
    head = t.label
    t.row(head("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和", rowspan=3, colspan=3, split=False),
          head("申请人情况", colspan=7))
    t.row(head(L["natural_person"], rowspan=2), head("法人或其他组织", colspan=5), head(L["total"], rowspan=2))
    t.row(*(head(L[c]) for c in schema.APPLICANT_COLUMNS[1:]))

    def values(row: schema.Row) -> list[Cell]:
        return [t.value(f"requests.{row.key}.{c}") for c in schema.REQUEST_COLUMNS]

    results = rows[2:-1]  # 予以公开 … 总计
    groups: dict[str, int] = {}
    for r in results:
        if r.group.startswith("（") and r.group != "三、本年度办理结果":
            groups[r.group] = groups.get(r.group, 0) + 1
    for r in rows[:2]:
        t.row(head(r.label, colspan=3), *values(r))
    seen: set[str] = set()
    for i, r in enumerate(results):
        lead = [head("三、本年度办理结果", rowspan=len(results))] if i == 0 else []
        if r.group in groups:
            sub = [head(r.group, rowspan=groups[r.group])] if r.group not in seen else []
            seen.add(r.group)
            t.row(*lead, *sub, head(_request_label(t.style, r)), *values(r))
        else:
            t.row(*lead, head(r.label, colspan=2), *values(r))
    last = rows[-1]
    t.row(head(last.label, colspan=3), *values(last))


def appeals_table(t: TableWriter) -> None:
    """Section 四: 行政复议 (5 columns) then 行政诉讼 in two groups of five."""
    L = schema.APPEAL_COLUMN_LABELS
    head = t.label
    t.row(head("行政复议", colspan=5), head("行政诉讼", colspan=10))
    t.row(*(head(L[c], rowspan=2) for c in schema.APPEAL_COLUMNS),
          head("未经复议直接起诉", colspan=5), head("复议后起诉", colspan=5))
    t.row(*(head(L[c]) for _ in range(2) for c in schema.APPEAL_COLUMNS))
    t.row(*(t.value(f"appeals.{g.key}.{c}") for g in schema.APPEALS for c in schema.APPEAL_COLUMNS))


def render_tables(template: str, cells: dict[str, int | float], style: PrintStyle,
                  rng: random.Random) -> tuple[dict[str, str], dict[str, int | float | None]]:
    """{part: table HTML} and the gold of every cell, in template order."""
    out: dict[str, str] = {}
    gold: dict[str, int | float | None] = {}
    for part, fill in (("proactive", lambda t: proactive_table(t, template)),
                       ("requests", lambda t: requests_table(t, template)),
                       ("appeals", appeals_table)):
        t = TableWriter(style, rng, cells)
        fill(t)
        out[part] = t.html()
        gold.update(t.gold)
    return out, {k: gold[k] for k in schema.template_keys(template)}
