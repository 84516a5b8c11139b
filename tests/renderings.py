"""A gold report rendered the ways real pages flatten it (the renderings seen on real pages), for tests.

Each rendering is built from one table model (rows of cells as printed, header
rows included) so every style prints the same report. Noise is drawn from a
seeded RNG per document: misspelt and unnumbered labels, the 部分公开 note in
its variants, units and full-width digits in cells, '/' for blank cells. A
``Rendering`` says which gold cells the text can carry at all: styles that
drop blank cells lose the position of every value in a row that had one.
"""

from __future__ import annotations

import html
import random
import unicodedata
from dataclasses import dataclass, field

from crawler import schema

TEXT_STYLES = ("pipe", "pipe-md", "cell-per-line-pipe", "cell-per-line-sep", "cell-per-paragraph",
               "cell-per-line-bare", "cell-per-line-tab", "cell-per-line-empty", "cell-per-line-md", "pdf-text",
               "pdf-glued", "pdf-glued-bare")
# A PDF text layer that joins a row's numbers with no separator ('规范性文件898989', '210000021');
# in pdf-glued-bare table 二's row labels are missing altogether (only its group headers are printed).
GLUED_STYLES = ("pdf-glued", "pdf-glued-bare")
HTML_STYLES = ("html-official", "html-trs", "html-flat")
PROSE_STYLES = ("prose",)  # no tables: a few counts stated in the 总体情况 text
STYLES = TEXT_STYLES + HTML_STYLES + PROSE_STYLES
# Styles in which a blank cell leaves no trace: a row with one only carries nothing for sure.
DROPS_BLANKS = frozenset({"cell-per-line-bare", "pdf-text", *GLUED_STYLES})

AGENCIES = (
    "贵州省铜仁市碧江区人民政府", "青岛市市场监督管理局", "石家庄市长安区建北街道办事处", "成都高新技术产业开发区管理委员会",
    "兰州市城关区教育局", "洱源县茈碧湖镇人民政府", "长沙市岳麓区坪塘街道", "黑龙江省绥化市北林区卫生健康局",
    "广西壮族自治区南宁市西乡塘区人民政府", "浙江省温州市龙湾区永中街道办事处", "安徽省合肥市蜀山区司法局",
    "内蒙古自治区呼和浩特市赛罕区人民政府", "江西省赣州市南康区龙岭镇人民政府", "福建省莆田市涵江区自然资源局",
    "湖北省宜昌市夷陵区人民政府办公室", "山西省晋中市榆次区东阳镇", "海南省三亚市天涯区人民政府", "新疆维吾尔自治区昌吉市交通运输局",
    "辽宁省大连市金州区", "重庆市渝北区龙山街道办事处", "河南省郑州航空港经济综合实验区", "陕西省宝鸡市渭滨区住房和城乡建设局",
)

_MISSPELT = {
    "7.属于行政执法案卷": ("7.属于行政制法案件", "7.行政执法案卷", "7.属于行政执法卷宗"),
    "（七）总计": ("（七）合计", "(七)总计"),
    "1.本机关不掌握相关政府信息": ("1.本机关不掌握相关的政府信息",),
    "2.没有现成信息需要另行制作": ("2.没有现成信息需另行制作",),
    "4.无正当理由大量反复申请": ("4.无正当理由大量、反复申请",),
    "二、上年结转政府信息公开申请数量": ("二、上年度结转政府信息公开申请数量",),
    "5.属于三类内部事务信息": ("5.属于三类内容事务信息", "5.三类内部事务信息"),
    "2.其他法律行政法规禁止公开": ("2.其他法律行政止公开", "2.其它法律行政法规禁止公开"),
    "3.危及“三安全一稳定”": ('3.危及"三安全一稳定"', "3.危及三安全一稳定"),
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）": (
        "（二）部分公开（区分处理的，只计这一情况，不计其他情形）", "（二）部分公开",
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "（二）部分公开（区分处理的，只计这一情形，不计其他情形)"),
    "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": (
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请的",),
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请": (
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请的",),
    "5.要求行政机关确认或重新出具已获取信息": ("5.要求行政机关确认或者重新出具已获取信息",),
}
_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class Rendering:
    """One document: its bytes, a file name that tells its kind, and the gold cells it can carry."""

    style: str
    data: bytes
    filename: str
    carried: set[str] = field(default_factory=set)
    # Cells the text leaves truly ambiguous (a reader may place them either way): neither owed nor checked.
    ambiguous: set[str] = field(default_factory=set)


@dataclass
class Cell:
    text: str
    key: str | None = None  # the gold cell a value cell prints
    rowspan: int = 1
    colspan: int = 1
    header: bool = False


Row = list[Cell]


class Noise:
    """The per-document choices: how labels are spelt and how values are written."""

    def __init__(self, rng: random.Random, style: str):
        self.rng = rng
        self.misspell = rng.random() < 0.5
        self.unnumbered = rng.random() < 0.25
        self.full_width = rng.random() < 0.2
        self.units = rng.random() < 0.2
        self.glued = style in GLUED_STYLES
        self.blank = "" if style in DROPS_BLANKS or rng.random() < 0.6 else rng.choice(("/", "—", "-"))
        # Layout variants seen in real reports (each a row order or column order the header states).
        self.single_other = rng.random() < 0.2  # 2021 report printing the 2019 form's one （六）其他处理 row
        self.total_first = rng.random() < 0.1  # table 三 with 总计 as its first column
        self.proactive_order = rng.random() < 0.15  # table 二's columns in another order, headed so
        self.appeal_order = rng.random() < 0.15  # each appeals group with 总计 first
        self.appeal_rows = style not in DROPS_BLANKS and rng.random() < 0.15  # 四 as three rows of five

    def label(self, text: str) -> str:
        if self.misspell and text in _MISSPELT and self.rng.random() < 0.6:
            text = self.rng.choice(_MISSPELT[text])
        if self.unnumbered and self.rng.random() < 0.5:
            for mark in ("1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."):
                if text.startswith(mark):
                    return text[len(mark):]
        return text

    def value(self, key: str, value: int | float | None) -> str:
        if value is None:
            return self.blank
        if isinstance(value, float):
            text = f"{value:.2f}" if self.rng.random() < 0.5 else f"{value:g}"
        else:
            text = str(value)
        if self.full_width:
            text = text.translate(_FULL_WIDTH)
        if self.units and not self.glued and key.startswith("requests.") and self.rng.random() < 0.5:
            text += "件"
        return text


# --- the table model ----------------------------------------------------------


def _values(noise: Noise, gold: dict, part: str, row: schema.Row, columns: tuple[str, ...] | None = None) -> Row:
    keys = [f"{part}.{row.key}.{c}" for c in (columns or row.columns)]
    return [Cell(noise.value(k, gold["cells"].get(k)), k) for k in keys]


def proactive_rows(gold: dict, template: str, noise: Noise) -> list[Row]:
    """Table 二: each 第二十条 item's header rows, then its rows."""
    rows: list[Row] = []
    group = ""
    for row in schema.template_rows(template)["proactive"]:
        columns = row.columns
        if noise.proactive_order and len(columns) == 3:
            columns = columns[1:] + columns[:1] if template == "2021" else columns[::-1]
        if row.group != group:
            group = row.group
            width = len(columns) + 1
            rows.append([Cell(group, colspan=width, header=True)])
            rows.append([Cell("信息内容", header=True)]
                        + [Cell(schema.PROACTIVE_COLUMN_LABELS[c], header=True) for c in columns])
        rows.append([Cell(noise.label(row.label))] + _values(noise, gold, "proactive", row, columns))
    return rows


def request_rows(gold: dict, template: str, noise: Noise) -> list[Row]:
    """Table 三: three header rows, then each row with its group labels spanning the rows they head."""
    people = [Cell("自然人", rowspan=2, header=True), Cell("法人或其他组织", colspan=5, header=True)]
    total = [Cell("总计", rowspan=2, header=True)]
    rows: list[Row] = [
        [Cell("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3, header=True),
         Cell("申请人情况", colspan=7, header=True)],
        total + people if noise.total_first else people + total,
        [Cell(w, header=True) for w in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    columns = schema.REQUEST_COLUMNS[-1:] + schema.REQUEST_COLUMNS[:-1] if noise.total_first else None
    spec = list(schema.template_rows(template)["requests"])
    if template == "2021" and noise.single_other:
        spec = [r for r in spec if not r.key.startswith("other_")]
        spec.insert(-2, schema.REQUESTS_2019[-3])  # （六）其他处理: the three rows' sum
        gold = {**gold, "cells": {**gold["cells"], **_other_sums(gold["cells"])}}
    results = [r for r in spec if r.group]
    seen: set[str] = set()
    for row in spec:
        cells: Row = []
        if row.group:
            if "三、本年度办理结果" not in seen:
                seen.add("三、本年度办理结果")
                cells.append(Cell("三、本年度办理结果", rowspan=len(results)))
            if row.group != "三、本年度办理结果" and row.group not in seen:
                seen.add(row.group)
                members = sum(1 for r in spec if r.group == row.group)
                cells.append(Cell(noise.label(row.group), rowspan=members))
            span = 2 if row.group == "三、本年度办理结果" else 1
        else:
            span = 3
        cells.append(Cell(noise.label(row.label), colspan=span))
        rows.append(cells + _values(noise, gold, "requests", row, columns))
    return rows


def _other_sums(cells: dict) -> dict:
    """The 2019 form's one 其他处理 row: per column, the sum of the 2021 form's three (blank when all are)."""
    out = {}
    for col in schema.REQUEST_COLUMNS:
        parts = [cells.get(f"requests.{r}.{col}") for r in ("other_no_correction", "other_fee_unpaid", "other_misc")]
        out[f"requests.other.{col}"] = None if all(v is None for v in parts) else sum(v or 0 for v in parts)
    return out


def appeal_rows(gold: dict, noise: Noise) -> list[Row]:
    """Table 四: three header rows and one row of fifteen values."""
    order = schema.APPEAL_COLUMNS[-1:] + schema.APPEAL_COLUMNS[:-1] if noise.appeal_order else schema.APPEAL_COLUMNS
    outcomes = [Cell(schema.APPEAL_COLUMN_LABELS[c], header=True) for c in order]
    if noise.appeal_rows:
        return [[Cell("", header=True)] + outcomes] + [
            [Cell(row.label.split("·")[-1])] + _values(noise, gold, "appeals", row, order) for row in schema.APPEALS]
    return [
        [Cell("行政复议", colspan=5, header=True), Cell("行政诉讼", colspan=10, header=True)],
        [Cell(c.text, rowspan=2, header=True) for c in outcomes]
        + [Cell("未经复议直接起诉", colspan=5, header=True), Cell("复议后起诉", colspan=5, header=True)],
        [Cell(c.text, header=True) for c in outcomes] * 2,
        [c for row in schema.APPEALS for c in _values(noise, gold, "appeals", row, order)],
    ]


# --- the words around the tables ----------------------------------------------


def _title_lines(rng: random.Random, agency: str, year: int) -> list[str]:
    kind = rng.randrange(4)
    if kind == 0:
        return [f"{agency}{year}年政府信息公开工作年度报告"]
    if kind == 1:
        return [f"{agency}关于{year}年度政府信息公开工作情况的报告"]
    if kind == 2:
        return [agency, f"{year}年政府信息公开工作年度报告"]
    return []  # no title: the year is only in the text


def _overview(rng: random.Random, agency: str, year: int, gold: dict) -> list[str]:
    posted = rng.randint(40, 3000)
    text = (f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
            f"（以下简称《条例》），全年通过门户网站主动公开政府信息{posted}条，更新政策文件{rng.randint(1, 30)}件。")
    received = gold["cells"].get("requests.new_received.total")
    if isinstance(received, int) and rng.random() < 0.7:
        text += f"全年共收到政府信息公开申请{received}件，均在法定期限内予以答复。"
    return ["一、总体情况", text, f"（一）主动公开情况。{year}年共召开新闻发布会{rng.randint(0, 9)}场，发布解读信息{rng.randint(1, 40)}条。"]


def _closing(rng: random.Random, year: int) -> list[str]:
    return ["五、存在的主要问题及改进情况",
            f"{year}年，政府信息公开工作取得一定成效，但仍存在公开内容不够全面等问题。{year + 1}年将从{rng.randint(2, 5)}个方面加以改进。",
            "六、其他需要报告的事项", f"本年度收取信息处理费{rng.choice(('0', '零'))}元。"]


def _sections(gold: dict, template: str, noise: Noise) -> list[tuple[str, list[Row]]]:
    return [("二、主动公开政府信息情况", proactive_rows(gold, template, noise)),
            ("三、收到和处理政府信息公开申请情况", request_rows(gold, template, noise)),
            ("四、政府信息公开行政复议、行政诉讼情况", appeal_rows(gold, noise))]


def _carried(sections: list[tuple[str, list[Row]]], style: str, cells: dict) -> set[str]:
    """Every gold cell printed, except (in styles that drop blanks) those of a row with a blank cell.

    A 2021 report printing one 其他处理 row carries its three rows only where that row says 0 (counts
    are never negative, so each of the three is 0); other sums cannot be split.
    """
    out: set[str] = set()
    for _, rows in sections:
        for row in rows:
            values = [c for c in row if c.key]
            if style in DROPS_BLANKS and any(not c.text for c in values):
                continue
            for c in values:
                if not c.key.startswith("requests.other."):
                    out.add(c.key)
                    continue
                col = c.key.rsplit(".", 1)[1]
                three = [f"requests.{r}.{col}" for r in ("other_no_correction", "other_fee_unpaid", "other_misc")]
                if all(k in cells for k in three) and all(cells[k] == 0 for k in three):
                    out.update(three)
                elif "requests.other_misc.total" not in cells:
                    out.add(c.key)  # a 2019 report's own row
    return out


# --- text renderings ----------------------------------------------------------


def _flat_lines(rows: list[Row], style: str) -> list[str]:
    out: list[str] = []
    texts = [[c.text for c in row] for row in rows]
    if style == "pipe":
        out = [" | ".join(t) for t in texts]
    elif style == "pipe-md":  # with the alignment row a Markdown table has under its first row
        out = ["| " + " | ".join(t) + " |" for t in texts]
        out.insert(1, "| " + " | ".join("---" for _ in texts[0]) + " |")
    elif style == "cell-per-line-tab":  # a browser's copy: each cell ended by a tab, a blank one a lone tab
        out = [f"{c}\t" for t in texts for c in t]
    elif style == "cell-per-line-pipe":
        out = [f"{c} |" if c else "|" for t in texts for c in t]
    elif style == "cell-per-line-sep":
        for c in (c for t in texts for c in t):  # a lone '|' after every cell, the table's last one too
            out += [c, "|"] if c else ["|"]
    elif style == "cell-per-line-bare":
        out = [c for t in texts for c in t if c]
    elif style == "cell-per-line-empty":  # one cell per line, a blank cell an empty line
        out = [c for t in texts for c in t]
    elif style == "cell-per-line-md":  # one cell per line as '| 25 |', a blank cell a lone '|'
        out = [f"| {c} |" if c else "|" for t in texts for c in t]
    return out


def _pdf_lines(rows: list[Row], rng: random.Random, page: list[int], ambiguous: set[str]) -> list[str]:
    """A PDF text layer: rows on one line, wrapped labels around their numbers, a vertical group label, footers.

    Numbers printed above their label after a row that printed none could belong to either row:
    both rows' cells go to ``ambiguous``.
    """
    out: list[str] = []
    vertical: list[str] = []
    previous: Row = []
    for row in rows:
        labels = [c.text for c in row if not c.key and c.text]
        values = [c.text for c in row if c.key and c.text]
        if any(c.text == "三、本年度办理结果" for c in row):
            vertical = list("三、本年度办理结果")
            labels = [t for t in labels if t != "三、本年度办理结果"]
        label = " ".join(labels)
        if label.startswith("（") and "）" in label[:4] and len(labels) > 1 and rng.random() < 0.3:
            label = labels[-1]  # the group label printed on a line of its own, mid-group
            out.append(labels[0])
        numbers = " ".join(values)
        roll = rng.random()
        if values and len(label) > 22 and roll < 0.5:
            cut = rng.randint(10, len(label) - 4)
            out += [label[:cut], numbers, label[cut:]]
        elif values and len(label) > 6 and roll < 0.15:
            out += [numbers, label]
            if previous and not any(c.text for c in previous if c.key):
                ambiguous.update(c.key for c in previous + row if c.key)
        else:
            out.append(f"{label} {numbers}".strip())
        if vertical and rng.random() < 0.5:
            out.append(vertical.pop(0))
        elif vertical and rng.random() < 0.3:
            out[-1] = f"{vertical.pop(0)} {out[-1]}" if not out[-1][:1].isdigit() else out[-1]
        if rng.random() < 0.06:
            page[0] += 1
            out += [f"- {page[0]} -", ""]
        previous = row
    out += vertical
    return out


def _glued_lines(rows: list[Row], rng: random.Random, bare: bool, ambiguous: set[str]) -> list[str]:
    """Each row's printed numbers joined with no separator, after its label, on the next line, or inside a
    wrapped label; ``bare``: table 二's rows without their labels. A row whose run can be cut into its
    cells more than one way that its own arithmetic allows puts its cells in ``ambiguous``."""
    out: list[str] = []
    for row in rows:
        labels = [c.text for c in row if not c.key and c.text]
        values = [c for c in row if c.key]
        if not values:
            out.append(" ".join(labels))
            continue
        digits = "".join(c.text for c in values)
        if not all(c.text for c in values) or count_cuts(digits, [c.key for c in values]) != 1:
            ambiguous.update(c.key for c in values)
        if bare and values[0].key.startswith("proactive."):
            out.append(digits)
            continue
        label = " ".join(labels)
        roll = rng.random()
        if len(label) > 16 and roll < 0.2:
            cut = rng.randint(6, len(label) - 4)
            out += [label[:cut], digits, label[cut:]]
        elif label and roll < 0.4:
            out += [label, digits]
        else:
            out.append(label + digits)
    return out


def count_cuts(text: str, keys: list[str]) -> int:
    """How many ways ``text`` cuts into the keys' cells (numbers with no leading zero; a sign only in a
    change, a point only in an amount) such that each group's arithmetic holds: table 三's 总计 is the sum
    of the applicants, table 四's the sum of the outcomes, table 二's cumulative counts are not below this
    year's. Written apart from the extractor, to say which rows no reader can settle alone."""
    cols = [k.rsplit(".", 1)[1] for k in keys]
    rows = [k.rsplit(".", 1)[0] for k in keys]
    text = unicodedata.normalize("NFKC", text)

    def valid(piece: str, col: str) -> bool:
        body = piece[1:] if col == "change" and piece[:1] in "+-" else piece
        if col in ("amount", "amount_wan") and body.count(".") == 1:
            whole, frac = body.split(".")
            return whole.isdigit() and frac.isdigit() and (whole == "0" or whole[0] != "0")
        return body.isdigit() and (body == "0" or body[0] != "0")

    def holds(values: dict[str, float], row: str) -> bool:
        if row.startswith(("requests.", "appeals.")):
            return abs(values["total"] - sum(v for c, v in values.items() if c != "total")) < 1e-6
        pairs = (("published", "total_published"), ("made", "total_published"), ("issued", "in_force"))
        return all(values[a] <= values[b] for a, b in pairs if a in values and b in values)

    def walk(pos: int, k: int, group: dict[str, float]) -> int:
        if k == len(cols):
            return int(pos == len(text))
        found = 0
        for end in range(pos + 1, len(text) + 1):
            piece = text[pos:end]
            if not valid(piece, cols[k]):
                continue
            here = {**group, cols[k]: float(piece)}
            if k + 1 == len(cols) or rows[k + 1] != rows[k]:
                if not holds(here, rows[k]):
                    continue
                here = {}
            found += walk(end, k + 1, here)
            if found > 1:
                return found
        return found

    return walk(0, 0, {})


def text_rendering(gold: dict, style: str, seed: int) -> Rendering:
    rng = random.Random(f"{seed}:{style}")
    noise = Noise(rng, style)
    template, year = gold["template"], gold["year"]
    agency = rng.choice(AGENCIES)
    sections = _sections(gold, template, noise)
    lines = _title_lines(rng, agency, year) + _overview(rng, agency, year, gold)
    page = [1]
    ambiguous = _blank_dropped_rows(sections) if style in DROPS_BLANKS and style not in GLUED_STYLES else set()
    for heading, rows in sections:
        lines.append(heading)
        if style == "pdf-text":
            lines += _pdf_lines(rows, rng, page, ambiguous)
        elif style in GLUED_STYLES:
            lines += _glued_lines(rows, rng, style == "pdf-glued-bare", ambiguous)
        elif style == "cell-per-paragraph":
            lines += [c.text for row in rows for c in row]  # a blank cell is an empty paragraph
        else:
            lines += _flat_lines(rows, style)
    lines += _closing(rng, year)
    text = ("\n\n" if style == "cell-per-paragraph" else "\n").join(lines) + "\n"
    carried = _carried(sections, style, gold["cells"]) - ambiguous
    return Rendering(style, text.encode("utf-8"), "report.txt", carried, ambiguous)


def _blank_dropped_rows(sections: list[tuple[str, list[Row]]]) -> set[str]:
    """Request rows with blanks dropped whose last number is the sum of the others: the extractor reads
    the first as 自然人 and the last as 总计 by convention (most requests come from people), which the
    row itself cannot confirm."""
    out: set[str] = set()
    for _, rows in sections:
        for row in rows:
            values = [c for c in row if c.key and c.key.startswith("requests.")]
            shown = [float(unicodedata.normalize("NFKC", c.text).removesuffix("件")) for c in values if c.text]
            if 2 <= len(shown) < len(values) and abs(shown[-1] - sum(shown[:-1])) < 1e-6:
                out.update(c.key for c in values)
    return out


# --- HTML renderings ----------------------------------------------------------


def _pad(rng: random.Random, text: str) -> str:
    return "&nbsp;" * rng.randint(0, 3) + text + "&nbsp;" * rng.randint(0, 3)


def _inner(cell: Cell, style: str, rng: random.Random) -> str:
    text = html.escape(cell.text)
    if style == "html-trs":
        if not cell.key and len(cell.text) >= 4:
            k = rng.randint(2, 3)
            step = -(-len(cell.text) // k)
            pieces = [html.escape(cell.text[i:i + step]) for i in range(0, len(cell.text), step)]
            return "".join(f"<p>{_pad(rng, p)}</p>" for p in pieces)
        span = '<span style="font-family:仿宋_GB2312;font-size:16px">' if rng.random() < 0.3 else "<span>"
        if cell.key and len(text) >= 2 and text.isdigit() and rng.random() < 0.4:
            cut = rng.randint(1, len(text) - 1)  # Word's HTML: one number in two runs, '<span>8</span><span>7</span>'
            return f'<p>{span}{text[:cut]}</span><span lang="EN-US">{text[cut:]}</span></p>'
        return f"<p>{span}{_pad(rng, text) if text else '&nbsp;'}</span></p>"
    if style == "html-flat" and not cell.key and len(cell.text) >= 12 and rng.random() < 0.5:
        cut = len(cell.text) // 2
        return f"{html.escape(cell.text[:cut])}<br/>{html.escape(cell.text[cut:])}"
    return text


def _flat_rows(rows: list[Row]) -> list[Row]:
    """No spans at all: every cell once, where it was printed (the header of 三 flattened row by row)."""
    return [[Cell(c.text, c.key, header=c.header) for c in row] for row in rows]


def _table_html(rows: list[Row], style: str, rng: random.Random) -> str:
    if style == "html-flat":
        rows = _flat_rows(rows)
    out = ['<table border="1" cellspacing="0" style="border-collapse:collapse"><tbody>']
    for row in rows:
        out.append("<tr>")
        for c in row:
            attrs = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")
            out.append(f"<td{attrs}>{_inner(c, style, rng)}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def html_rendering(gold: dict, style: str, seed: int) -> Rendering:
    rng = random.Random(f"{seed}:{style}")
    noise = Noise(rng, style)
    template, year = gold["template"], gold["year"]
    agency = rng.choice(AGENCIES)
    title = _title_lines(rng, agency, year)
    sections = _sections(gold, template, noise)
    layout = rng.random() < 0.25  # an old CMS: the article sits in a cell of a page layout table
    parts = ["<!DOCTYPE html><html><head><meta charset=\"utf-8\">",
             f"<title>{html.escape(''.join(title) or '政务公开')}_{html.escape(agency)}</title></head><body>",
             '<div class="header">首页 &gt; 政务公开 &gt; 政府信息公开年报</div>',
             '<table width="100%"><tr><td class="nav">政务公开<br/>信息公开年报</td><td>' if layout else "",
             '<div class="article">']
    parts += [f'<p style="text-align:center"><strong>{html.escape(t)}</strong></p>' for t in title]
    parts += [f"<p>{html.escape(t)}</p>" for t in _overview(rng, agency, year, gold)]
    for heading, rows in sections:
        parts.append(f"<p><strong>{html.escape(heading)}</strong></p>")
        parts.append(_table_html(rows, style, rng))
    parts += [f"<p>{html.escape(t)}</p>" for t in _closing(rng, year)]
    parts.append("</div></td></tr></table>" if layout else "</div>")
    parts.append('<div class="footer">主办单位：' + html.escape(agency) + "</div></body></html>")
    return Rendering(style, "".join(parts).encode("utf-8"), "report.html", _carried(sections, style, gold["cells"]))


# --- prose ---------------------------------------------------------------------

_RECEIVED_WORDS = ("{y}年共收到政府信息公开申请{n}件", "全年共受理依申请公开{n}件", "本年度新收政府信息公开申请{n}件",
                   "共收到{n}件政府信息公开申请", "全年共接到政府信息公开申请{n}件", "共收到信息公开申请{n}起",
                   "{y}年政府信息公开申请数量为{n}件", "全年受理政府信息公开申请共计{n}件", "新受理政府信息公开申请{n}件")
_NONE_WORDS = ("{y}年未收到政府信息公开申请", "全年无政府信息公开申请", "本年度没有收到依申请公开的申请",
               "{y}年度未受理政府信息公开申请")
_PEOPLE_ALL = ("，均为自然人申请", "，全部为自然人申请", "，申请人均为自然人", "，全部由自然人提出")
_PEOPLE_SOME = ("，其中自然人申请{n}件", "，其中自然人提出申请{n}件", "（其中自然人{n}件）")
_FOLLOW = (
    ("requests.carried_over.total", ("上年结转{n}件", "上年度结转政府信息公开申请{n}件")),
    ("requests.granted.total", ("予以公开{n}件", "同意公开{n}件")),
    ("requests.partly_granted.total", ("部分公开{n}件",)),
    ("requests.results_total.total", ("办结{n}件", "已答复{n}件")),
    ("requests.carried_forward.total", ("结转下年度继续办理{n}件", "结转至下一年度办理{n}件")),
)


def _chinese(n: int) -> str:
    """12 → 十二, 105 → 一百零五, 2 → 两 (as a count is written in words), for counts below 10,000."""
    digits = "零一二三四五六七八九"
    if n == 2:
        return "两"
    if n < 10:
        return digits[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            out += ("零" if zero and out else "") + ("" if (value == 10 and n < 20) else digits[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _say(rng_words: str, cn: bool, **numbers: int) -> str:
    """A sentence with its counts, in Chinese numerals when ``cn`` and the count is in 件."""
    if cn and "{n}件" in rng_words:
        numbers = {k: (_chinese(v) if k == "n" and 0 < v < 10_000 else v) for k, v in numbers.items()}
    return rng_words.format(**numbers)


def prose_rendering(gold: dict, seed: int) -> Rendering:
    """Only running text: a title, then 总体情况 sentences stating some of table 三's and 二's counts."""
    rng = random.Random(f"{seed}:prose")
    cells, year = gold["cells"], gold["year"]
    agency = rng.choice(AGENCIES)
    cn = rng.random() < 0.25  # some reports write their counts in words: 十二件
    carried: set[str] = set()
    received = cells.get("requests.new_received.total")
    said = ""
    if received == 0:
        said = rng.choice(_NONE_WORDS).format(y=year) + "。"
        carried.add("requests.new_received.total")
    elif isinstance(received, int):
        said = _say(rng.choice(_RECEIVED_WORDS), cn, y=year, n=received)
        carried.add("requests.new_received.total")
        before = cells.get("requests.carried_over.total")
        if isinstance(before, int) and before and rng.random() < 0.2:  # a count that includes last year's
            said = f"全年共处理政府信息公开申请{received + before}件，其中新收{received}件，上年结转{before}件"
            carried.add("requests.carried_over.total")
        people = cells.get("requests.new_received.natural_person")
        if people == received and rng.random() < 0.6:
            said += rng.choice(_PEOPLE_ALL)
            carried.add("requests.new_received.natural_person")
        elif isinstance(people, int) and 0 < people < received and rng.random() < 0.6:
            said += _say(rng.choice(_PEOPLE_SOME), cn, n=people)
            carried.add("requests.new_received.natural_person")
        for key, words in _FOLLOW:
            value = cells.get(key)
            if isinstance(value, int) and key not in carried and rng.random() < 0.5:
                said += "，" + _say(rng.choice(words), cn, n=value)
                carried.add(key)
        said += "。"
    issued = cells.get("proactive.normative_documents.issued")
    if gold["template"] == "2021" and isinstance(issued, int) and rng.random() < 0.6:
        said += f"全年制发规范性文件{issued}件。" if issued else "本年度未制发行政规范性文件。"
        carried.add("proactive.normative_documents.issued")
    lines = _title_lines(rng, agency, year) + [
        "一、总体情况",
        f"{year}年，{agency}深入贯彻落实《中华人民共和国政府信息公开条例》，全年通过门户网站主动公开政府信息"
        f"{rng.randint(40, 3000)}条。" + said,
        "二、主动公开政府信息情况", f"{year}年，主动公开政策解读{rng.randint(1, 30)}条。",
    ] + _closing(rng, year)
    return Rendering("prose", ("\n".join(lines) + "\n").encode("utf-8"), "report.txt", carried)


def render(gold: dict, style: str, seed: int) -> Rendering:
    """The report of a gold dict (template 2019 or 2021, full cells) in one style, the same for the same seed."""
    if style == "prose":
        return prose_rendering(gold, seed)
    if style in HTML_STYLES:
        return html_rendering(gold, style, seed)
    return text_rendering(gold, style, seed)
