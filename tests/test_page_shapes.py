"""List and detail page shapes real sites serve, each in a page written in that shape (tests/files/*_shape_*)."""

from __future__ import annotations

from scrapy.http import Request

from spiders.generic import GenericSpider
from spiders.testing import one_site, response_for
from spiders.trs import TrsSpider, is_report_page_url


def _lists(out):
    return [r for r in out if r.callback.__name__ == "parse_column"]


def _reports(out):
    return [r for r in out if r.callback.__name__ == "parse_report"]


# --- createPageHTML with six arguments: the current page counts from 1, page 2 is fg_2.shtml ---------

SIX = "http://xxgk.example.gov.cn/zwgk/zfxxgknb/fg.shtml"


def test_six_argument_create_page_html_reads_page_2_then_stops():
    spider = TrsSpider(sites=[one_site("trs", [SIX], slug="six")])
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "trs_shape_six_args.html")))
    assert [r.meta["title"] for r in _reports(page1)] == [
        "某某区人民政府2023年政府信息公开工作年度报告", "某某区财政局2023年政府信息公开工作年度报告"]
    (nxt,) = _lists(page1)
    assert (nxt.url, nxt.meta["page"], nxt.meta["page_total"]) == (
        "http://xxgk.example.gov.cn/zwgk/zfxxgknb/fg_2.shtml", 1, 2)
    page2 = list(spider.parse_column(response_for(nxt, "trs_shape_six_args_2.html")))
    assert len(_reports(page2)) == 3
    assert _lists(page2) == []  # page 2 of 2 is the last


def test_six_argument_create_page_html_in_a_link_list_family():
    spider = GenericSpider(sites=[one_site("generic", [SIX], slug="six")])
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "trs_shape_six_args.html")))
    assert [r.url for r in _lists(page1)] == ["http://xxgk.example.gov.cn/zwgk/zfxxgknb/fg_2.shtml"]
    assert _lists(list(spider.parse_column(response_for(_lists(page1)[0], "trs_shape_six_args_2.html")))) == []


def test_six_argument_script_on_a_later_page():
    spider = TrsSpider(sites=[one_site("trs", [SIX], slug="six")])
    req = Request("http://xxgk.example.gov.cn/zwgk/zfxxgknb/fg_2.shtml",
                  meta={"site": "six", "column": "c", "body_level": "government", "page": 0})
    paging = spider.js_paging(response_for(req, "trs_shape_six_args_2.html"))
    assert paging == (2, 1, "fg", "shtml", 2)


# --- TRS documents at …/c<id>/content.shtml ---------------------------------------------------------

CONTENT = "http://www.example.gov.cn/xxgk/c100235/zfxxgknb.shtml"


def test_content_shtml_reports_are_read():
    spider = TrsSpider(sites=[one_site("trs", [CONTENT], slug="content")])
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "trs_shape_content_shtml.html")))
    assert [(r.url, r.meta["list_date"]) for r in _reports(out)] == [
        ("http://www.example.gov.cn/xxgk/c100235/c7438926/content.shtml", "2024-01-30"),
        ("http://www.example.gov.cn/xxgk/c100235/c7438801/content.shtml", "2024-01-29"),
    ]  # the 格式 notice and the 指南 column are not reports
    assert _lists(out) == []  # one page of one


def test_is_report_page_url():
    assert is_report_page_url("http://www.example.gov.cn/xxgk/c100235/c7438926/content.shtml")
    assert is_report_page_url("http://www.qiaokou.gov.cn/xxgk/zfxxgknb/202401/t20240125_2349704.shtml")
    assert not is_report_page_url("http://www.example.gov.cn/xxgk/c100235/zfxxgknb.shtml")
    assert not is_report_page_url("http://www.example.gov.cn/xxgk/c100235/index.shtml")
