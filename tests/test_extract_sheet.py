"""Spreadsheets shaped like real government workbooks: table 二 laid on the columns of table 三.

A clerk who puts the three tables on one sheet gives table 二 the sheet's ten
columns: its label spans three of them and each value two or three. A reader
that copies a merged value into every column it covers reads '规章 | 1 | 1 | 0
| 0 | 11 | 11 | 11' and puts every value one cell off (issue 18: got 1, 0, 8,
26 where the sheet says 0, 11, 26, 66). The workbooks are written here with
openpyxl; every cell of table 二 is asserted exactly.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from crawler import schema
from crawler.demo.attachments import appeals_table, place, requests_table
from crawler.extract import extract_bytes
from crawler.extract.checks import check_report
from crawler.extract.files import read_file
from tests.helpers import make_gold

# Table 二 as the sheet prints it (2021 template); 规章 and 行政规范性文件 are the numbers.
PROACTIVE = {
    "proactive.regulations.issued": 1, "proactive.regulations.repealed": 0, "proactive.regulations.in_force": 11,
    "proactive.normative_documents.issued": 8, "proactive.normative_documents.repealed": 26,
    "proactive.normative_documents.in_force": 66,
    "proactive.licensing.decisions": 3960, "proactive.penalties.decisions": 181,
    "proactive.coercion.decisions": 7, "proactive.fees.amount_wan": 12.5,
}
WIDTH = 10  # three label columns, seven value columns: table 三's columns


def _cells() -> dict:
    gold = make_gold("2021", 7)
    cells = {**gold["cells"], **PROACTIVE}
    assert check_report(cells, "2021") == []
    return cells


def _put(ws, row: int, col: int, value, *, rows: int = 1, cols: int = 1) -> None:
    ws.cell(row, col, value)
    if rows > 1 or cols > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + rows - 1, end_column=col + cols - 1)


def _table(ws, r0: int, table, c0: int) -> int:
    """One of the demo's tables (三, 四) at row r0, column c0; the next free row."""
    spans, nrows, _ = place(table)
    for r, c, span in spans:
        text = span.text
        _put(ws, r0 + r, c0 + c, int(text) if text.isdigit() else (text or None), rows=span.rows, cols=span.cols)
    return r0 + nrows


def _proactive(ws, r0: int, offset_cell: bool, numbered: bool, tall: bool) -> int:
    """Table 二 on the sheet's columns: a 序号 column (merged down each group), labels over columns B:D,
    values merged over two or three columns, a title row merged across, group rows merged across.

    ``offset_cell``: the clerk typed 行政规范性文件's 本年废止件数 into the second column of its header's
    merged cell, unmerged (its first column is empty, the second holds the value).
    ``numbered``: a 序号 column before the labels (everything else one column to the right).
    ``tall``: 规章 and 行政规范性文件's labels two rows tall, their numbers in the lower row.
    """
    v = {k.split(".", 1)[1]: x for k, x in PROACTIVE.items()}
    a = 2 if numbered else 1  # the label's first column
    width = WIDTH + a - 1
    _put(ws, r0, 1, "二、主动公开政府信息情况", cols=width)
    r = r0 + 1
    if numbered:
        _put(ws, r, 1, "序号", rows=2)
    _put(ws, r, a, "第二十条第（一）项", cols=WIDTH)
    _put(ws, r + 1, a, "信息内容", cols=3)
    _put(ws, r + 1, a + 3, "本年制发件数", cols=2)
    _put(ws, r + 1, a + 5, "本年废止件数", cols=2)
    _put(ws, r + 1, a + 7, "现行有效件数", cols=3)
    r += 2
    for n, (key, label) in enumerate((("regulations", "规章"), ("normative_documents", "行政规范性文件")), start=1):
        h = 2 if tall else 1
        if numbered:
            _put(ws, r, 1, n, rows=h)
        _put(ws, r, a, label, rows=h, cols=3)
        low = r + h - 1  # the numbers sit in the label's lower row; the upper row's value cells are empty
        _put(ws, low, a + 3, v[f"{key}.issued"], cols=2)
        if offset_cell and key == "normative_documents":
            ws.cell(low, a + 6, v[f"{key}.repealed"])
        else:
            _put(ws, low, a + 5, v[f"{key}.repealed"], cols=2)
        _put(ws, low, a + 7, v[f"{key}.in_force"], cols=3)
        r += h
    groups = (("五", [("licensing", "行政许可")], "本年处理决定数量"),
              ("六", [("penalties", "行政处罚"), ("coercion", "行政强制")], "本年处理决定数量"),
              ("八", [("fees", "行政事业性收费")], "本年收费金额（单位：万元）"))
    n = 3
    for item, members, head in groups:
        _put(ws, r, a, f"第二十条第（{item}）项", cols=WIDTH)
        _put(ws, r + 1, a, "信息内容", cols=3)
        _put(ws, r + 1, a + 3, head, cols=WIDTH - 3)
        r += 2
        for key, label in members:
            col = "amount_wan" if key == "fees" else "decisions"
            if numbered:
                _put(ws, r, 1, n)
            _put(ws, r, a, label, cols=3)
            _put(ws, r, a + 3, v[f"{key}.{col}"], cols=WIDTH - 3)
            r += 1
            n += 1
    return r


def workbook(offset_cell: bool = False, numbered: bool = False, tall: bool = False) -> bytes:
    cells = _cells()
    wb = Workbook()
    ws = wb.active
    _put(ws, 1, 1, "某县人民政府2023年政府信息公开工作年度报告", cols=WIDTH)
    ws.cell(2, 1, "本报告数据统计期限自2023年1月1日起至2023年12月31日止。")
    r = _proactive(ws, 3, offset_cell, numbered, tall) + 1
    ws.cell(r, 1, schema.PART_LABELS["requests"])
    r = _table(ws, r + 1, requests_table("2021", cells), c0=2 if numbered else 1) + 1
    ws.cell(r, 1, schema.PART_LABELS["appeals"])
    _table(ws, r + 1, appeals_table(cells), c0=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SHAPES = {"wide": {}, "numbered-tall": {"numbered": True, "tall": True}}


@pytest.mark.parametrize("shape", SHAPES)
def test_merged_values_are_read_once_in_their_columns(shape):
    data = workbook(**SHAPES[shape])
    rows = [line.cells for line in read_file(data, "年报.xlsx", None).lines]
    assert ["规章", "1", "0", "11"] in [r[-4:] for r in rows]  # a value merged over two columns is one value
    report = extract_bytes(data, filename="年报.xlsx")
    assert {k: report.cells.get(k) for k in PROACTIVE} == PROACTIVE
    cells = _cells()
    assert {k: v for k, v in cells.items() if report.cells.get(k) != v} == {}
    assert report.needs_review is None


@pytest.mark.parametrize("shape", SHAPES)
def test_a_value_typed_beside_its_merged_header_stays_in_its_column(shape):
    report = extract_bytes(workbook(offset_cell=True, **SHAPES[shape]), filename="年报.xlsx")
    assert {k: report.cells.get(k) for k in PROACTIVE} == PROACTIVE


def test_values_that_disagree_under_one_header_are_left_missing():
    """Two numbers under one merged header cell: which is the column's is not known; neither is read."""
    wb = Workbook()
    ws = wb.active
    ws.cell(1, 1, "某县人民政府2023年政府信息公开工作年度报告")
    ws.cell(2, 1, "二、主动公开政府信息情况")
    _put(ws, 3, 1, "第二十条第（一）项", cols=7)
    _put(ws, 4, 1, "信息内容")
    _put(ws, 4, 2, "本年制发件数", cols=2)
    _put(ws, 4, 4, "本年废止件数", cols=2)
    _put(ws, 4, 6, "现行有效件数", cols=2)
    for r, (label, values) in enumerate((("规章", [2, None, 0, None, 9, None]),
                                         ("行政规范性文件", [3, 5, 1, None, 40, None])), start=5):
        ws.cell(r, 1, label)
        for c, value in enumerate(values, start=2):
            ws.cell(r, c, value)
    for r, text in enumerate(("三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"), start=8):
        ws.cell(r, 1, text)
    buf = io.BytesIO()
    wb.save(buf)
    report = extract_bytes(buf.getvalue(), filename="年报.xlsx")
    got = {k: v for k, v in report.cells.items() if k.startswith("proactive.")}
    assert got == {"proactive.regulations.issued": 2, "proactive.regulations.repealed": 0,
                   "proactive.regulations.in_force": 9,
                   "proactive.normative_documents.repealed": 1, "proactive.normative_documents.in_force": 40}
