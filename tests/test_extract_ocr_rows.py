"""OCR's rows against the template's: a number printed off its row's line, a speck read as a digit.

A scan without ruled lines is put into rows by the height of its boxes, so a
number printed a little high or low lands on the row beside it (issue 18: 部分公开
read as 71, the next row's number, and 本机关不掌握相关政府信息 lost), and dust in
a blank cell is read as a digit. The pages are given here as the word boxes
the OCR engine returns (crawler.extract.files.layout.Box), laid out like a
scanned table: a label box and seven value boxes a row, zeros printed blank.
The reader lays the page out each way the doubtful boxes allow and keeps the
reading the rules (总计 = the six applicant columns; the result rows add up to
总计; 新收 + 结转 = 办理结果 + 结转下年) choose; where they cannot choose, the
cells are left missing and the report needs review.
"""

from __future__ import annotations

import pytest

from crawler import schema
from crawler.extract import extract_document
from crawler.extract.checks import check_report
from crawler.extract.files.layout import Box
from crawler.extract.files.ocr import ScannedPage
from crawler.extract.files.pages import page_document
from tests.helpers import make_gold

WIDTH = 1000
PITCH = 40  # a row's height on the page
HEIGHT = 24  # a digit's height
LABEL_X = (40, 340)
COLUMN_X = [420 + 80 * k for k in range(7)]  # centre of each applicant column, 总计 last


def _gold(blanks: bool = True) -> dict:
    """Table 三's cells; ``blanks``: zeros printed blank, as many bodies print them (else printed 0)."""
    gold = make_gold("2021", 11, blanks=blanks)
    cells = {k: v for k, v in gold["cells"].items() if k.startswith("requests.")}
    return cells


def _text(y: float, text: str, x0: float = 40) -> Box:
    return Box(x0, y, x0 + 18 * len(text), y + HEIGHT, text)


def _number(y: float, col: int, text: str) -> Box:
    half = 6 * len(text)
    return Box(COLUMN_X[col] - half, y, COLUMN_X[col] + half, y + HEIGHT, text)


def page(cells: dict, shift: dict[tuple[str, int], float] | None = None,
         specks: list[tuple[str, int, str]] = ()) -> list[Box]:
    """The report's first lines and table 三 as OCR boxes. ``shift``: (row, column) → how far that number
    is printed below (+) or above (−) its row's line; ``specks``: (row, column, text) dust read as digits."""
    shift = shift or {}
    boxes = [_text(20, "某县人民政府2023年政府信息公开工作年度报告", 200),
             _text(70, "本报告数据统计期限自2023年1月1日起至2023年12月31日止。"),
             _text(120, "三、收到和处理政府信息公开申请情况")]
    y = 170
    boxes += [Box(COLUMN_X[k] - 24, y, COLUMN_X[k] + 24, y + HEIGHT, word)
              for k, word in enumerate(("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"))]
    rows = {r.key: r for r in schema.REQUESTS_2021}
    where = {}
    for row in rows.values():
        y += PITCH
        where[row.key] = y
        boxes.append(Box(LABEL_X[0], y, LABEL_X[1], y + HEIGHT, row.label))
        for k, col in enumerate(schema.REQUEST_COLUMNS):
            value = cells.get(f"requests.{row.key}.{col}")
            if value is not None:
                boxes.append(_number(y + shift.get((row.key, k), 0), k, str(value)))
    for row, k, text in specks:
        boxes.append(Box(COLUMN_X[k] - 2, where[row] + 10, COLUMN_X[k] + 2, where[row] + 16, text))
    y += PITCH * 2
    boxes.append(_text(y, "四、政府信息公开行政复议、行政诉讼情况"))
    return boxes


def read(boxes: list[Box]):
    doc = page_document([ScannedPage.of(boxes, WIDTH)], recognized=True)
    return extract_document(doc), doc


def _requests(report) -> dict:
    return {k: v for k, v in report.cells.items() if k.startswith("requests.")}


def _score(report, gold: dict) -> tuple[int, list[str]]:
    """(cells read right, cells read wrong): a blank gold cell is right as null or absent."""
    right, wrong = 0, []
    for key, want in gold.items():
        got = report.cells.get(key)
        if (got or 0) == (want or 0) and (key in report.cells or want is None):
            right += 1
        elif key in report.cells and got is not None and got != want:
            wrong.append(f"{key}: {got} != {want}")
    return right, wrong


def test_a_page_as_printed_reads_every_cell():
    gold = _gold()
    assert check_report(gold, "2021") == []
    report, doc = read(page(gold))
    assert doc.doubts == []
    assert (report.template, report.year) == ("2021", 2023)
    assert _score(report, gold) == (len(gold), [])
    assert report.needs_review is None


def _placed(gold: dict, row: str, k: int) -> str:
    value = gold[f"requests.{row}.{schema.REQUEST_COLUMNS[k]}"]
    assert value is not None, "the fixture needs a number printed in that cell"
    return str(value)


@pytest.mark.parametrize(("row", "k", "dy"), [
    ("denied_state_secret", 2, -30),  # printed high: OCR reads it as 部分公开's, in a cell blank there
    ("unavailable_not_held", 0, -30),  # printed high, onto the number of the row above
    ("partly_granted", 6, +30),  # printed low, onto the next row's 总计
], ids=["up-into-blank", "up-onto-number", "down"])
@pytest.mark.parametrize("blanks", [True, False], ids=["zeros-blank", "zeros-printed"])
def test_a_number_off_its_line_goes_back_to_its_row(row, k, dy, blanks):
    gold = _gold(blanks)
    _placed(gold, row, k)
    report, doc = read(page(gold, shift={(row, k): dy}))
    assert len(doc.doubts) >= 1
    assert _requests(report) == {key: value for key, value in gold.items() if value is not None} | {
        key: None for key, value in gold.items() if value is None}
    assert report.needs_review is None


def test_a_speck_in_a_blank_cell_is_dropped():
    gold = _gold()
    blank = next(r.key for r in schema.REQUESTS_2021 if gold[f"requests.{r.key}.other_org"] is None
                 and gold[f"requests.{r.key}.total"])
    report, doc = read(page(gold, specks=[(blank, 5, "1")]))
    assert any("污点" in what for what, _ in doc.doubts)
    assert report.cells.get(f"requests.{blank}.other_org") is None
    assert _score(report, gold) == (len(gold), [])


def test_where_the_rules_cannot_choose_the_cells_are_left_missing():
    """A result row's numbers printed halfway down to the next result row, which prints none: either row
    adds up, and the column sums do not care which result row holds them."""
    gold = _gold()
    a, b = "denied_third_party", "denied_internal_affairs"  # b's numbers added to a's: b prints none
    for col in schema.REQUEST_COLUMNS:
        both = (gold[f"requests.{a}.{col}"] or 0) + (gold[f"requests.{b}.{col}"] or 0)
        gold[f"requests.{a}.{col}"], gold[f"requests.{b}.{col}"] = both or None, None
    assert check_report(gold, "2021") == []
    report, doc = read(page(gold, shift={(a, k): PITCH / 2 for k in range(7)}))
    assert report.needs_review and "OCR" in report.needs_review
    for col in schema.REQUEST_COLUMNS:
        if gold[f"requests.{a}.{col}"]:
            assert report.cells.get(f"requests.{a}.{col}") is None
            assert report.cells.get(f"requests.{b}.{col}") is None
    right, wrong = _score(report, gold)
    assert wrong == []
