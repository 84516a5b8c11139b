"""Text renderings written for the rules they exercise (the real ones are in test_extract_corpus.py)."""

from __future__ import annotations

import pytest

from crawler.extract import extract_bytes


def _extract(text: str):
    return extract_bytes(text.encode("utf-8"), filename="report.txt")


def test_appeals_as_three_rows() -> None:
    r = _extract("示例局2022年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
                 "行政复议 | 1 | 0 | 0 | 0 | 1\n未经复议直接起诉 | 0 | 0 | 0 | 0 | 0\n复议后起诉 | 0 | 0 | 1 | 0 | 1\n")
    assert r.cells["appeals.review.upheld"] == 1
    assert r.cells["appeals.lawsuit_after_review.other"] == 1
    assert r.findings == []


def test_year_in_parentheses_after_title() -> None:
    r = _extract("示例镇政府信息公开工作年度报告（2021年度）\n一、总体情况\n")
    assert (r.template, r.year) == ("2021", 2021)


def test_numbers_before_their_label_pair_in_order() -> None:
    """A PDF text layer prints a wrapped row's numbers above its label; rows read whole anchor the pairing."""
    r = _extract(
        "示例区2024年政府信息公开工作年度报告\n本年制发件数\n"
        "（一）予以公开 5 0 0 0 0 0 5\n"
        "2 0 0 0 0 0 2\n"
        "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n"
        "1 0 0 0 0 0 1\n"
        "1.属于国家秘密\n"
        "2.其他法律行政法规禁止公开 0 0 0 0 0 0 0\n")
    assert r.cells["requests.partly_granted.total"] == 2
    assert r.cells["requests.denied_state_secret.total"] == 1
    assert r.method["requests.denied_state_secret.total"] == "text-order"
    assert r.cells["requests.denied_law_forbids.total"] == 0


def test_unit_in_parentheses_and_signed_change() -> None:
    r = _extract("示例局2020年政府信息公开工作年度报告\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
                 "行政许可 | 12(项) | -3 | 40\n")
    assert (r.template, r.year) == ("2019", 2020)
    assert r.cells["proactive.licensing.previous"] == 12
    assert r.cells["proactive.licensing.change"] == -3


def test_prose_only_where_tables_say_nothing() -> None:
    r = _extract("示例局2023年政府信息公开工作年度报告\n一、总体情况\n"
                 "2023年，我局共收到政府信息公开申请12件，全部为自然人申请，办结10件，结转下年度继续办理2件。\n")
    assert r.cells["requests.new_received.total"] == 12
    assert r.cells["requests.new_received.natural_person"] == 12
    assert r.cells["requests.results_total.total"] == 10
    assert r.cells["requests.carried_forward.total"] == 2
    assert set(r.method.values()) == {"prose"}


def test_no_request_received_is_zero() -> None:
    r = _extract("示例街道2022年政府信息公开工作年度报告\n2022年，本街道未收到政府信息公开申请。\n")
    assert r.cells == {"requests.new_received.total": 0}


def test_no_number_is_never_zero_by_default() -> None:
    r = _extract("示例街道2022年政府信息公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n")
    assert r.template == "2021"
    assert r.cells == {}


@pytest.mark.parametrize(("sentence", "count"), [
    ("2023年，我局共收到12件政府信息公开申请，均已办结。", 12),
    ("本年度新增政府信息公开申请3件。", 3),
    ("2022年全年无政府信息公开申请。", 0),
    ("全年未收到依申请公开申请。", 0),
])
def test_request_count_phrasings(sentence: str, count: int) -> None:
    r = _extract("示例局2023年政府信息公开工作年度报告\n" + sentence + "\n")
    assert r.cells["requests.new_received.total"] == count


@pytest.mark.parametrize("sentence", [
    "收到群众来信15件，均已办理。",
    "受理行政审批事项2000件。",
    "无政府信息公开申请引起的行政复议。",
    "2023年共办理人大建议12件。",
])
def test_other_counts_are_not_requests(sentence: str) -> None:
    r = _extract("示例局2023年政府信息公开工作年度报告\n" + sentence + "\n")
    assert "requests.new_received.total" not in r.cells


def test_blank_dropped_row_of_two_equal_numbers() -> None:
    """'56 | | | | | | 56' with the blanks dropped: 总计 only (自然人 may be the blank one), and the report says so."""
    r = _extract("示例局2022年政府信息公开工作年度报告\n逾期不补正\n一、本年新收政府信息公开申请数量\n56\n56\n"
                 "二、上年结转政府信息公开申请数量\n0\n0\n0\n0\n0\n0\n0\n")
    assert r.cells["requests.new_received.total"] == 56
    assert "requests.new_received.natural_person" not in r.cells
    assert "requests.new_received.business" not in r.cells
    assert "requests.new_received" in r.needs_review


def test_year_in_chinese_numerals() -> None:
    r = _extract("示例镇二〇二二年度政府信息公开工作年度报告\n一、总体情况\n")
    assert (r.template, r.year, r.agency) == ("2021", 2022, "示例镇")
    assert r.title == "示例镇二〇二二年度政府信息公开工作年度报告"


def test_empty_paragraph_is_a_blank_cell() -> None:
    """One cell per paragraph: an empty cell leaves an empty paragraph (three blank lines)."""
    header = "\n\n".join(["示例局2022年政府信息公开工作年度报告", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"] * 4)
    row = "\n\n".join(["四、结转下年度继续办理", "3", "", "", "", "", "", "3"])
    r = _extract(header + "\n\n" + row + "\n\n五、存在的主要问题及改进情况\n")
    assert r.cells["requests.carried_forward.natural_person"] == 3
    assert r.cells["requests.carried_forward.business"] is None
    assert r.cells["requests.carried_forward.total"] == 3


@pytest.mark.parametrize(("line", "published"), [
    ("发布日期:2021-01-29    点击数:", "2021-01-29"),
    ("来源:示例镇 日期:2021年01月14日 【字体:", "2021-01-14"),
    ("统计时间：2022年1月1日至2022年12月31日", None),
])
def test_published_date_from_labelled_text(line: str, published: str | None) -> None:
    r = _extract("示例镇2022年政府信息公开工作年度报告\n" + line + "\n")
    assert r.published == published
    assert r.published_source == ("text" if published else None)


def test_blank_dropped_row_keeps_only_its_total() -> None:
    """'20 3 2 1 26' for seven columns: 总计 last is sure; 20 may be 自然人 or, when that cell was the
    blank one, an organisation's, so none of the others is read."""
    r = _extract("示例局2022年政府信息公开工作年度报告\n逾期不补正\n一、本年新收政府信息公开申请数量 20 3 2 1 26\n")
    assert r.cells["requests.new_received.total"] == 26
    assert "requests.new_received.natural_person" not in r.cells
    assert "requests.new_received.business" not in r.cells
    assert r.method["requests.new_received.total"] == "text-order"


def test_blank_dropped_row_of_two_equal_numbers_gives_its_total_only() -> None:
    r = _extract("示例局2022年政府信息公开工作年度报告\n逾期不补正\n一、本年新收政府信息公开申请数量 56 56\n")
    assert r.cells["requests.new_received.total"] == 56
    assert "requests.new_received.natural_person" not in r.cells


def test_tab_rows_keep_blank_cells() -> None:
    r = _extract("示例局2022年政府信息公开工作年度报告\n逾期不补正\n"
                 "一、本年新收政府信息公开申请数量\t4\t\t\t\t\t\t4\n"
                 "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t\n")
    assert r.cells["requests.new_received.business"] is None
    assert r.cells["requests.new_received.total"] == 4
    assert r.cells["requests.carried_over.total"] is None


def test_natural_persons_counted_in_prose() -> None:
    r = _extract("示例局2023年政府信息公开工作年度报告\n全年共受理政府信息公开申请12件，其中自然人申请10件，法人或其他组织申请2件。\n")
    assert r.cells["requests.new_received.total"] == 12
    assert r.cells["requests.new_received.natural_person"] == 10
    assert r.raw["requests.new_received.natural_person"] == "其中自然人申请10件"


def test_count_stated_without_a_verb() -> None:
    r = _extract("示例局2022年政府信息公开工作年度报告\n2022年，本单位政府信息公开申请数量为0。上年结转政府信息公开申请数量2件。\n")
    assert r.cells["requests.new_received.total"] == 0
    assert "requests.carried_over.total" not in r.cells or r.cells["requests.carried_over.total"] == 2


def test_counts_in_chinese_numerals() -> None:
    r = _extract("示例局2023年政府信息公开工作年度报告\n一、总体情况\n"
                 "我局认真办理每一件申请，推进高效办成一件事。2023年共收到政府信息公开申请十二件，"
                 "其中自然人申请十件，办结十一件，结转下年度继续办理一件。\n")
    assert r.cells["requests.new_received.total"] == 12
    assert r.cells["requests.new_received.natural_person"] == 10
    assert r.cells["requests.results_total.total"] == 11
    assert r.cells["requests.carried_forward.total"] == 1
    assert r.raw["requests.new_received.total"] == "收到政府信息公开申请十二件"  # the words as printed


@pytest.mark.parametrize(("words", "number"), [("十二", 12), ("一百零五", 105), ("两", 2), ("一〇五", 105),
                                               ("二十", 20), ("三千零一", 3001), ("零", 0), ("十件", None)])
def test_chinese_number(words: str, number: int | None) -> None:
    from crawler.extract.values import chinese_number

    assert chinese_number(words) == number


ROWS_WITH_SPECKS = ("示例局2023年政府信息公开工作年度报告\n"
                    "第二十条第（五）项\n信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量\n"
                    "行政许可 | 12 | -3 | 4.0\n"
                    "第二十条第（九）项\n信息内容 | 采购项目数量 | 采购总金额\n政府集中采购 | 3 | 12.5\n")


def test_a_speck_in_a_recognized_count_is_dropped() -> None:
    """OCR text: 4.0 in a count cell is 40 (a speck read as a point); 本年增/减 keeps its sign, an amount its point."""
    from crawler.extract import _read
    from crawler.extract.textdoc import text_document

    scanned = text_document(ROWS_WITH_SPECKS)
    scanned.recognized = True
    r = _read(scanned, scanned, None)
    assert r.cells["proactive.licensing.decisions"] == 40
    assert r.raw["proactive.licensing.decisions"] == "4.0"  # what was read stays on record
    assert r.cells["proactive.licensing.change"] == -3
    assert r.cells["proactive.procurement.amount"] == 12.5


def test_a_point_in_a_typed_count_is_kept_as_printed() -> None:
    r = _extract(ROWS_WITH_SPECKS)
    assert r.cells["proactive.licensing.decisions"] == 4.0  # a text layer printed it: the checks speak of it


def test_markdown_alignment_row_is_layout_not_cells() -> None:
    """pandoc's table 四: spans written as empty cells and a '| --- |' row under the first row."""
    r = _extract("示例局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n"
                 "| 行政复议 |  |  |  |  | 行政诉讼 |  |  |  |  |  |  |  |  |  |\n"
                 "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                 "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 |  |  |  |  | 复议后起诉 |  |  |  |  |\n"
                 "|  |  |  |  |  | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
                 "| 6 | 2 | 1 | 3 | 12 | 4 | 1 | 0 | 2 | 7 | 1 | 0 | 2 | 1 | 4 |\n")
    assert r.cells["appeals.review.upheld"] == 6
    assert r.cells["appeals.review.total"] == 12
    assert r.cells["appeals.lawsuit_after_review.total"] == 4


def test_a_label_wrapped_onto_the_line_of_its_numbers() -> None:
    """A browser's tab copy of cells holding two <p>: the label's first part alone, the rest with the numbers."""
    r = _extract("示例局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
                 "5.要求行政机关确认\n或重新出具已获取信息\t11\t4\t0\t0\t0\t0\t15\n"
                 "（六）其他处理\t1.申请人无正当理由逾期不补正、\n行政机关不再处理其政府信息公开申请\t0\t0\t0\t1\t0\t0\t1\n")
    assert r.cells["requests.not_processed_confirmation.natural_person"] == 11
    assert r.cells["requests.not_processed_confirmation.total"] == 15
    assert r.cells["requests.other_no_correction.nonprofit"] == 1


@pytest.mark.parametrize(("title", "agency"), [
    ("关于印发《某区卫生健康局2022年政府信息公开工作年度报告》的通知", "某区卫生健康局"),
    ("某区交通运输局关于2022年度政府信息公开工作情况的报告", "某区交通运输局"),
    ("某区某某街道办事处政府信息公开工作年度报告", "某区某某街道办事处"),
])
def test_agency_from_the_title(title: str, agency: str) -> None:
    r = _extract(f"{title}\n本报告中所列数据统计期限为2022年1月1日至12月31日。\n一、总体情况\n")
    assert (r.agency, r.year, r.title) == (agency, 2022, title)


def test_a_list_of_other_years_reports_above_the_article_is_not_its_title() -> None:
    r = _extract("首页 > 政府信息公开 > 政府信息公开年报\n相关链接\n某县人民政府2023年政府信息公开工作年度报告\n"
                 "某县人民政府2021年政府信息公开工作年度报告\n\n某县人民政府2022年政府信息公开工作年度报告\n"
                 "本报告根据《中华人民共和国政府信息公开条例》要求编制。\n一、总体情况\n")
    assert (r.title, r.year) == ("某县人民政府2022年政府信息公开工作年度报告", 2022)


def test_zero_width_spaces_in_cells_are_dropped() -> None:
    r = _extract("示例局2022年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数\n"
                 "规章 | \u200b0 | \u200b1 | 3\u200b\n行政规范性文件 | \ufeff12 | 5 | \u200b87\n")
    assert r.cells["proactive.regulations.repealed"] == 1
    assert r.cells["proactive.normative_documents.in_force"] == 87


def test_appeals_in_two_tables() -> None:
    """Table 四 printed as a 行政复议 table of five and a 行政诉讼 table of ten."""
    r = _extract("示例局2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n行政复议\n"
                 "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n6 | 2 | 1 | 3 | 12\n"
                 "行政诉讼\n未经复议直接起诉 | 复议后起诉\n"
                 "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计\n"
                 "4 | 1 | 0 | 2 | 7 | 1 | 0 | 2 | 1 | 4\n五、存在的主要问题及改进情况\n")
    assert r.cells["appeals.review.total"] == 12
    assert r.cells["appeals.lawsuit_direct.upheld"] == 4
    assert r.cells["appeals.lawsuit_after_review.pending"] == 1
    assert r.findings == []


SUBTOTAL_ROWS = (("一、本年新收政府信息公开申请数量", (111, 37, 7, 6, 7, 5, 62, 173)),
                 ("二、上年结转政府信息公开申请数量", (1, 1, 2, 1, 0, 2, 6, 7)))


def test_a_subtotal_column_of_organisations_is_left_out_of_text_rows() -> None:
    rows = "\n".join(" | ".join([label, *map(str, values)]) for label, values in SUBTOTAL_ROWS)
    r = _extract("示例局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况\n"
                 "自然人 | 法人或其他组织 | 总计\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 小计\n" + rows + "\n")
    assert r.cells["requests.new_received.other_org"] == 5
    assert r.cells["requests.new_received.total"] == 173
    assert r.cells["requests.carried_over.total"] == 7


def test_a_subtotal_column_of_organisations_is_left_out_of_an_html_table() -> None:
    rows = "".join("<tr><td colspan=2>" + label + "</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
                   for label, values in SUBTOTAL_ROWS)
    page = ("<html><body><h1>示例局2023年政府信息公开工作年度报告</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td colspan=2 rowspan=3></td><td colspan=8>申请人情况</td></tr>"
            "<tr><td rowspan=2>自然人</td><td colspan=6>法人或其他组织</td><td rowspan=2>总计</td></tr>"
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>小计</td></tr>"
            + rows + "</table></body></html>")
    r = extract_bytes(page.encode("utf-8"), filename="report.html")
    assert r.cells["requests.new_received.other_org"] == 5
    assert r.cells["requests.new_received.total"] == 173
    assert r.cells["requests.carried_over.natural_person"] == 1


def test_a_crawler_header_block_gives_its_fields_and_the_text_after_it():
    from crawler.extract.textdoc import header_fields

    text = "标题: 某区2023年政府信息公开工作年度报告\n发布时间: 2024-01-20\n原文链接: http://x.gov.cn/a.html\n\n一、总体情况\n正文"
    fields, rest = header_fields(text)
    assert fields["title"] == "某区2023年政府信息公开工作年度报告"
    assert len(fields) == 3
    assert rest == "一、总体情况\n正文"
    assert header_fields("标题: 只有一行\n正文") == ({}, "标题: 只有一行\n正文")
