"""HTML pages: article body among chrome, spans expanded, blanks and '/', units, encodings, fragments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.exceptions import ExtractError
from crawler.extract import extract_bytes

FILES = Path(__file__).parent / "files"


@pytest.fixture(scope="module")
def page_text() -> str:
    return (FILES / "extract_report_2021.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report(page_text: str):
    return extract_bytes(page_text.encode("utf-8"), filename="extract_report_2021.html")


def test_metadata_from_meta_tags(report) -> None:
    assert report.template == "2021"
    assert report.year == 2022
    assert report.title == "示例县示例镇2022年政府信息公开工作年度报告"
    assert report.agency == "示例县示例镇人民政府"
    assert (report.published, report.published_source) == ("2023-01-16", "meta")


def test_every_cell_of_the_template(report) -> None:
    assert len(report.cells) == 200
    assert report.findings == []


def test_rowspan_and_colspan(report) -> None:
    assert report.cells["requests.granted.natural_person"] == 4
    assert report.cells["requests.unavailable_not_held.legal_services"] == 1
    assert report.cells["requests.other_misc.total"] == 1
    assert report.cells["requests.carried_forward.natural_person"] == 1
    assert report.cells["proactive.licensing.decisions"] == 1234


def test_split_label_over_paragraphs(report) -> None:
    assert report.cells["requests.other_no_correction.total"] == 0


def test_blank_and_not_applicable_are_null(report) -> None:
    assert report.cells["proactive.regulations.issued"] is None
    assert report.raw["proactive.regulations.issued"] == "/"
    assert report.cells["proactive.penalties.decisions"] is None
    assert report.cells["requests.denied_state_secret.total"] is None
    assert report.cells["appeals.lawsuit_after_review.total"] is None
    assert report.cells["appeals.lawsuit_direct.total"] == 0


def test_units_and_full_width_digits(report) -> None:
    assert report.cells["proactive.normative_documents.issued"] == 3
    assert report.raw["proactive.normative_documents.issued"] == "３件"
    assert report.cells["proactive.fees.amount_wan"] == 12.5


def test_appeals(report) -> None:
    assert [report.cells[f"appeals.review.{c}"] for c in ("upheld", "corrected", "other", "pending", "total")] == [
        1, 0, 0, 1, 2]


def test_method_is_grid(report) -> None:
    assert set(report.method.values()) == {"grid"}


def test_chrome_links_are_not_read(report) -> None:
    assert "相关链接" not in report.text
    assert "版权所有" not in report.text


def _same_cells(a, b) -> None:
    assert (a.template, a.year) == (b.template, b.year)
    assert a.cells == b.cells


def test_gbk_bytes(page_text: str, report) -> None:
    data = page_text.replace('charset="utf-8"', 'charset="gbk"').encode("gbk")
    _same_cells(extract_bytes(data, filename="page.html"), report)


def test_meta_charset_that_lies(page_text: str, report) -> None:
    _same_cells(extract_bytes(page_text.encode("gb18030"), filename="page.html"), report)


def test_utf16_with_bom(page_text: str, report) -> None:
    _same_cells(extract_bytes(page_text.encode("utf-16"), filename="page.html"), report)


def test_utf16_without_bom(page_text: str, report) -> None:
    _same_cells(extract_bytes(page_text.encode("utf-16-le"), filename="page.html"), report)


def test_bare_fragment(page_text: str) -> None:
    tables = re.findall(r"<table border=\"1\">.*?</table>", page_text, re.S)
    fragment = "<p>三、收到和处理政府信息公开申请情况</p>" + tables[1]
    r = extract_bytes(fragment.encode("utf-8"))
    assert r.template == "2021"
    assert r.cells["requests.new_received.total"] == 13
    assert r.cells["requests.results_total.natural_person"] == 10


def test_hanweb_markers(page_text: str, report) -> None:
    body = page_text.split('<div id="zoom">', 1)[1].rsplit("</div>\n</div>", 1)[0]
    page = ("<html><head><title>x</title></head><body><div class='nav'><p>首页 政务公开</p></div>"
            "<table><tr><td><!--ZJEG_RSS.content.begin-->" + body + "<!--ZJEG_RSS.content.end--></td></tr></table>"
            "<div>示例县2022年政府信息公开工作年度报告 相关链接</div></body></html>")
    r = extract_bytes(page.encode("utf-8"))
    assert r.cells == report.cells


def test_prose_count_in_spans_is_not_used_when_tables_give_it(report) -> None:
    assert report.method["requests.new_received.total"] == "grid"


def test_notice_is_not_a_report() -> None:
    page = ("<html><head><title>关于做好2022年度政府信息公开工作年度报告编制发布工作的通知</title></head><body>"
            "<div id='zoom'><p>各镇人民政府、各部门：</p><p>请于2023年1月31日前发布2022年度政府信息公开工作年度报告。</p>"
            "</div></body></html>")
    r = extract_bytes(page.encode("utf-8"), filename="notice.html")
    assert r.template is None
    assert r.cells == {}


def test_legacy_report_keeps_text_only() -> None:
    page = ("<html><head><meta name='ArticleTitle' content='示例镇2017年政府信息公开工作年度报告'></head><body>"
            "<div id='zoom'><p>一、概述</p><p>2017年全年共受理政府信息公开申请4件。</p></div></body></html>")
    r = extract_bytes(page.encode("utf-8"), filename="old.html")
    assert (r.template, r.year) == ("legacy", 2017)
    assert r.cells == {}
    assert "受理政府信息公开申请4件" in r.text


def test_template_from_labels_not_year() -> None:
    """A 2020 report printed on the 2021 form is read with the form it uses."""
    text = ("示例局2020年政府信息公开工作年度报告\n二、主动公开政府信息情况\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
            "规章 | 0 | 0 | 0\n行政规范性文件 | 2 | 0 | 5\n")
    r = extract_bytes(text.encode("utf-8"), filename="r.txt")
    assert (r.template, r.year) == ("2021", 2020)
    assert r.cells["proactive.normative_documents.in_force"] == 5


def test_total_printed_first_is_moved() -> None:
    text = ("示例局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
            "申请人情况 | 总计 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他\n"
            "一、本年新收政府信息公开申请数量 | 5 | 3 | 2 | 0 | 0 | 0 | 0\n"
            "二、上年结转政府信息公开申请数量 | 1 | 1 | 0 | 0 | 0 | 0 | 0\n"
            "逾期不补正\n")
    r = extract_bytes(text.encode("utf-8"), filename="r.txt")
    assert r.cells["requests.new_received.total"] == 5
    assert r.cells["requests.new_received.natural_person"] == 3
    assert r.cells["requests.new_received.business"] == 2


@pytest.mark.parametrize("data", [b"", b"   \n", b"%PDF-1.7\n\x00\x01binary", b"\x00\x01\x02\x03" * 50])
def test_unreadable_input_is_a_named_error(data: bytes) -> None:
    if not data.strip() or b"\x00" in data or data.startswith(b"%PDF"):
        with pytest.raises(ExtractError, match="bad.bin"):
            extract_bytes(data, filename="bad.bin")


def test_missing_file_is_a_named_error(tmp_path: Path) -> None:
    from crawler.extract import extract_path

    with pytest.raises(ExtractError, match="nowhere.html"):
        extract_path(tmp_path / "nowhere.html")


@pytest.fixture(scope="module")
def report_2019():
    return extract_bytes((FILES / "extract_report_2019_gbk.html").read_bytes(), filename="extract_report_2019_gbk.html")


def test_2019_form_in_gbk_with_title_in_a_paragraph(report_2019) -> None:
    assert (report_2019.template, report_2019.year) == ("2019", 2019)
    assert report_2019.title == "示例市示例区人民政府办公室2019年政府信息公开工作年度报告"
    assert (report_2019.published, report_2019.published_source) == ("2020-01-31", "text")
    assert len(report_2019.cells) == 198
    assert report_2019.findings == []


def test_value_spanning_two_columns_counts_once(report_2019) -> None:
    """'规章 | 2 | 2 (colspan 2) | 31': 对外公开总数量 is 31, not a copy of the spanned 2."""
    assert report_2019.cells["proactive.regulations.total_published"] == 31
    assert [report_2019.cells[f"proactive.licensing.{c}"] for c in ("previous", "change", "decisions")] == [
        120, -4, 3560]
    assert report_2019.cells["proactive.other_services.change"] == 2


def test_amount_with_unit_and_dash(report_2019) -> None:
    assert report_2019.cells["proactive.procurement.amount"] == 251000
    assert report_2019.raw["proactive.procurement.amount"] == "251000元"
    assert report_2019.cells["proactive.coercion.change"] is None


def test_single_other_row_of_2019(report_2019) -> None:
    assert "requests.other.total" in report_2019.cells
    assert report_2019.cells["requests.other.total"] is None
    assert report_2019.cells["requests.results_total.total"] == 25


def test_another_annual_report_is_not_this_report() -> None:
    page = ("<html><head><meta name='ArticleTitle' content='示例区2023年法治政府建设年度报告'></head><body>"
            "<div id='zoom'><p>2023年，示例区深入推进法治政府建设，政务公开工作持续推进，按时发布政府信息公开工作年度报告。</p>"
            "<p>2023年共办理行政复议案件12件。</p></div></body></html>")
    r = extract_bytes(page.encode("utf-8"), filename="fzzf.html")
    assert r.template is None
    assert r.cells == {}


@pytest.mark.parametrize("wrapper", ['<div id="UCAP-CONTENT">{}</div>', '<div class="article-content">{}</div>',
                                     '<div class="article_component"><div class="x">{}</div></div>',
                                     '<div class="wz_nr"><div>{}</div></div>'])
def test_body_found_among_chrome(page_text: str, report, wrapper: str) -> None:
    """Known CMS containers, and the block with the most text when the page uses none of them."""
    body = page_text.split('<div id="zoom">', 1)[1].rsplit("</div>\n</div>", 1)[0]
    sidebar = "".join(f"<li><a href='/{y}.html'>示例县{y}年政府信息公开工作年度报告</a></li>" for y in range(2015, 2022))
    page = ("<html><head><title>示例县人民政府</title></head><body><div class='nav'><ul>" + sidebar + "</ul></div>"
            + wrapper.format("<p>示例县示例镇2022年政府信息公开工作年度报告</p>" + body)
            + "<div class='footer'><p>版权所有</p></div></body></html>")
    r = extract_bytes(page.encode("utf-8"), filename="page.html")
    assert (r.template, r.year) == ("2021", 2022)
    assert r.title == "示例县示例镇2022年政府信息公开工作年度报告"
    assert r.cells == report.cells


def test_applicant_columns_matched_by_header() -> None:
    """A table 三 that prints 总计 first and the organisations backwards: values go where their headers say."""
    def row(label: str, values: list[int]) -> str:
        return f"<tr><td colspan='3'>{label}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
    table = ("<table>"
             "<tr><td colspan='3' rowspan='2'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
             "<td rowspan='2'>总计</td><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td></tr>"
             "<tr><td>其他</td><td>法律服务机构</td><td>社会公益组织</td><td>科研机构</td><td>商业企业</td></tr>"
             + row("一、本年新收政府信息公开申请数量", [9, 5, 0, 0, 0, 0, 4])
             + row("二、上年结转政府信息公开申请数量", [1, 1, 0, 0, 0, 0, 0]) + "</table>")
    page = "<html><body><div id='zoom'><p>示例局2023年政府信息公开工作年度报告</p>" + table + "</div></body></html>"
    r = extract_bytes(page.encode("utf-8"), filename="r.html")
    assert [r.cells[f"requests.new_received.{c}"] for c in ("natural_person", "business", "total")] == [5, 4, 9]
    assert r.cells["requests.carried_over.total"] == 1
    assert r.method["requests.new_received.total"] == "grid"
