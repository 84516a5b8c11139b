"""Runs of digits with no separator cut into a row's cells by the row's arithmetic (crawler/extract/split.py)."""

from __future__ import annotations

from crawler import schema
from crawler.extract import extract_bytes
from crawler.extract.split import row_cuts

REQ = schema.REQUEST_COLUMNS


def test_a_request_row_has_one_cut_that_adds_up() -> None:
    assert row_cuts("requests", "210000021", REQ) == [["21", "0", "0", "0", "0", "0", "21"]]
    assert row_cuts("requests", "0000000", REQ) == [["0"] * 7]


def test_a_request_row_that_cuts_several_ways() -> None:
    # 1|10|0|0|0|0|11 and 11|0|0|0|0|0|11 both add up
    assert sorted(row_cuts("requests", "110000011", REQ)) == [["1", "10", "0", "0", "0", "0", "11"],
                                                              ["11", "0", "0", "0", "0", "0", "11"]]


def test_table_two_cumulative_column_not_below_this_year() -> None:
    cols = ("issued", "repealed", "in_force")
    assert row_cuts("proactive", "5510", cols) == [["5", "5", "10"]]
    assert len(row_cuts("proactive", "898989", ("made", "published", "total_published"))) > 1


def test_no_leading_zero_and_signs_only_in_a_change() -> None:
    assert row_cuts("proactive", "14-50", ("previous", "change", "decisions")) == [["14", "-5", "0"]]
    assert row_cuts("proactive", "0120", ("issued", "repealed", "in_force")) == [["0", "1", "20"], ["0", "12", "0"]]
    assert row_cuts("requests", "01000001", REQ) == []  # '01' is no count


def _report(rows: list[str]) -> str:
    return "\n".join(["某局2023年政府信息公开工作年度报告", "逾期不补正", "三、收到和处理政府信息公开申请情况",
                      "自然人 法人或其他组织 总计", "商业企业 科研机构 社会公益组织 法律服务机构 其他"] + rows) + "\n"


def test_glued_rows_read_with_method_split_and_the_run_kept() -> None:
    r = extract_bytes(_report(["一、本年新收政府信息公开申请数量210000021", "二、上年结转政府信息公开申请数量",
                               "1000001"]).encode(), filename="a.txt")
    assert r.cells["requests.new_received.natural_person"] == 21 and r.cells["requests.new_received.total"] == 21
    assert r.cells["requests.carried_over.total"] == 1
    assert r.method["requests.new_received.business"] == "split"
    assert r.raw["requests.new_received.business"] == "210000021"
    assert "数字连写" not in (r.needs_review or "")


def test_an_ambiguous_run_stays_missing_and_the_report_says_why() -> None:
    r = extract_bytes(_report(["一、本年新收政府信息公开申请数量110000011",
                               "二、上年结转政府信息公开申请数量0000000"]).encode(), filename="a.txt")
    assert r.cells["requests.new_received.total"] == 11  # every cut agrees on it
    assert "requests.new_received.natural_person" not in r.cells
    assert "requests.new_received" in r.needs_review and "多种拆分" in r.needs_review


def test_a_run_whose_row_does_not_add_up_is_not_read() -> None:
    r = extract_bytes(_report(["一、本年新收政府信息公开申请数量2100000022"]).encode(), filename="a.txt")
    assert not [k for k in r.cells if k.startswith("requests.new_received.")]
    assert "没有一种拆分" in r.needs_review


def test_a_long_run_costs_little_and_is_never_read() -> None:
    """A part never runs past MAX_PART characters: 200 digits have no cut; 40 ones have too many to look at."""
    assert row_cuts("requests", "1" * 200, REQ) == []
    assert row_cuts("requests", "1" * 40, REQ) is None


def test_rows_too_ambiguous_to_look_at_leave_the_others_alone() -> None:
    """A run with too many cuts beside an ambiguous row: both stay missing, with the reason, no crash."""
    from crawler.extract.split import Glued, resolve, why_missing

    glued = [Glued("requests", "new_received", REQ, "1" * 40, "text"),
             Glued("requests", "granted", REQ, "110000011", "text")]
    read = dict((k, v) for k, v, _ in resolve(glued, {}, "2021"))
    assert read == {"requests.granted.research": 0, "requests.granted.nonprofit": 0,
                    "requests.granted.legal_services": 0, "requests.granted.other_org": 0,
                    "requests.granted.total": 11}
    assert why_missing(glued, set(read)) == [
        f"requests.new_received：数字连写“{'1' * 40}”，拆分方式太多，无法判断，7个单元格未读",
        "requests.granted：数字连写“110000011”，有多种拆分都符合勾稽关系，2个单元格未读"]


def test_a_row_read_only_by_its_total_does_not_choose_a_cut() -> None:
    """Rule 1 holds column by column; a row with only its 总计 read is unknown in the other columns, not 0."""
    from crawler.extract.split import Glued, resolve

    cells = {"requests.carried_over.total": 0, "requests.carried_forward.total": 0,
             **{f"requests.results_total.{c}": v for c, v in zip(REQ, (1, 10, 0, 0, 0, 0, 11), strict=True)}}
    glued = [Glued("requests", "new_received", REQ, "110000011", "text")]
    read = {k: v for k, v, _ in resolve(glued, cells, "2021")}
    assert "requests.new_received.natural_person" not in read and "requests.new_received.business" not in read
    assert read["requests.new_received.total"] == 11
