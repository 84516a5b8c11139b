"""Generic columns: report-titled links of any URL form, "下一页" paging, attachments (邓州 layout, GBK)."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request

from crawler.spiders.entries import is_report_title, parse_date
from crawler.spiders.generic import GenericSpider
from crawler.spiders.items import ReportItem
from tests.saved_pages import one_site, response_for

COLUMN = "http://www.dengzhou.gov.cn/zl/zfxxgk/zfxxgknb/index.htm"
BASE = "http://www.dengzhou.gov.cn/zl/zfxxgk/zfxxgknb/"


def make_spider(**kwargs) -> GenericSpider:
    return GenericSpider(sites=[one_site("generic", [COLUMN], slug="dengzhou", body_level="town")], **kwargs)


@pytest.fixture
def spider() -> GenericSpider:
    return make_spider()


@pytest.fixture
def out(spider):
    start = next(spider.start_requests())
    return list(spider.parse_column(response_for(start, "generic_real_list.html")))


def test_reports(out):
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    assert [(r.url, r.meta["title"], r.meta["list_date"]) for r in reports] == [
        (BASE + "webinfo/2024/01/1695967376343260.htm", "张楼乡2023年政府信息公开工作年度报告", "2024-01-18"),
        (BASE + "webinfo/2023/01/1673000000000001.htm", "张楼乡2022年度报告", "2023-01-16"),
        (BASE + "webinfo/2022/01/zlx2021nb.pdf", "张楼乡2021年政府信息公开年报（PDF）", "2022-01-20"),
    ]


def test_decoys_skipped(out):
    urls = {r.url for r in out}
    assert BASE + "webinfo/2023/12/1701000000000002.htm" not in urls  # 编制指南
    assert BASE + "webinfo/2023/06/1686000000000003.htm" not in urls  # 企业年报公示


def test_next_page(out):
    assert [r.url for r in out if r.callback.__name__ == "parse_column"] == [BASE + "index_2.htm"]


def test_known_urls_stop_paging(out):
    known = {r.url for r in out if r.callback.__name__ == "parse_report"}
    spider = make_spider(known_urls=",".join(sorted(known)))  # the command-line form
    start = next(spider.start_requests())
    again = list(spider.parse_column(response_for(start, "generic_real_list.html")))
    assert not [r for r in again if r.callback.__name__ == "parse_column"]


def test_attachments_of_a_page_without_table(spider, out):
    report = next(r for r in out if r.url.endswith("1695967376343260.htm"))
    results = list(spider.parse_report(response_for(report, "generic_real_report_pdf_only.html")))
    assert isinstance(results[0], ReportItem)
    assert results[0].title == "张楼乡2023年政府信息公开工作年度报告"
    assert results[0].body_level == "town"
    follow = results[1:]
    assert [r.url for r in follow] == [BASE + "webinfo/2022/01/zlx2021nb.pdf", BASE + "webinfo/2022/01/zlx2021nb.docx"]
    assert all(isinstance(r, Request) and r.meta["title"] == results[0].title for r in follow)


def test_no_attachments_followed_when_page_has_a_report_table(spider, out):
    report = next(r for r in out if r.url.endswith("1695967376343260.htm"))
    rows = "".join("<tr>" + "<td>0</td>" * 8 + "</tr>" for _ in range(6))
    body = f'<html><body><table>{rows}</table><a href="nb.pdf">附件</a></body></html>'.encode()
    page = HtmlResponse(report.url, request=report, body=body, headers={"Content-Type": "text/html; charset=utf-8"})
    results = list(spider.parse_report(page))
    assert len(results) == 1 and results[0].attachments == []


def test_attachments_followed_past_a_small_metadata_table(spider, out):
    """A 索引号/发布机构 box is not a report table: the page's file is still fetched."""
    report = next(r for r in out if r.url.endswith("1695967376343260.htm"))
    results = list(spider.parse_report(response_for(report, "generic_real_list.html")))
    item, *follow = results
    assert [r.url for r in follow] == item.attachments and len(follow) == 1
    assert follow[0].meta["page_url"] == item.url


@pytest.mark.parametrize(
    "title, strict, loose",
    [
        ("洛阳市孟津区人民政府2023年政府信息公开工作年度报告", True, True),
        ("孟津区2023年信息公开年报", True, True),
        ("2023年政务公开年度报告", True, True),
        ("2019年度政府信息公开工作报告", True, True),
        ("张楼乡2022年度报告", False, True),
        ("2024年政务公开工作要点", False, False),
        ("关于印发政府信息公开工作年度报告编制指南的通知", False, False),
        ("政府信息公开工作年度报告格式", False, False),
        ("企业年报公示", False, False),
        ("宜阳县2023年法治政府建设年度报告", False, False),
        ("宜阳县2023年统计年报填报说明", False, False),
        ("关于2023年度政府信息公开工作考核结果的通报", False, False),
        ("孟津区先进制造业开发区 2023 年政府信息公开工作年度报告", True, True),
        ("审计局2023年政府信息公开工作年度报告", True, True),
        ("", False, False),
    ],
)
def test_report_title_rule(title, strict, loose):
    assert is_report_title(title) is strict
    assert is_report_title(title, loose=True) is loose


def test_parse_date():
    assert parse_date("发布时间：2024年1月8日") == "2024-01-08"
    assert parse_date("2023/12/31") == "2023-12-31"
    assert parse_date("索引号 2024-13-99") is None


# --- the demo web's 宜阳县 pages (tests/files/README.md) -----------------------------------------

DEMO = "http://127.0.0.16:18011"


def test_demo_list_pages():
    column = DEMO + "/xxgk/ndbg/bm/01/index.html"  # 宜阳县农业农村局: one column per department
    spider = GenericSpider(sites=[one_site("generic", [column], slug="yiyang")])
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "generic_demo_list.html")))
    assert [r.url for r in page1] == [DEMO + f"/html/122/{n}.html" for n in (5217, 5193, 5178, 5163)] + [
        column + "?page=2"]  # 政府信息公开目录 (5214) skipped
    assert page1[0].meta["list_date"] == "2026-01-18"
    page2 = list(spider.parse_column(response_for(page1[-1], "generic_demo_list_2.html")))
    assert [r.url for r in page2] == [DEMO + f"/html/122/{n}.html" for n in (5151, 5136, 5118, 5106)]
    # 考核结果的通报 (5160) skipped; the last page links no next one
    (item,) = [x for x in spider.parse_report(response_for(page2[2], "generic_demo_detail.html"))]
    assert item.title == "宜阳县农业农村局2019年政府信息公开工作年度报告"


def test_navigation_links_are_not_reports(spider):
    from scrapy.http import HtmlResponse

    html = """<html><body><ul class="nav">
      <li><a href="/zl/zfxxgk/zfxxgknb/">政府信息公开年报</a></li>
      <li><a href="/zl/zfxxgk/zfxxgknb/list.html">信息公开年报</a></li>
      <li><a href="/zl/zfxxgk/zfxxgknb/index_2.htm">2023年度报告</a></li>
      <li><a href="/zl/zfxxgk/zfxxgknb/index.htm?page=3">2022年度报告</a></li>
      <li><a href="/zl/zfxxgk/zfxxgknb/webinfo/2024/01/1.htm">张楼乡2023年政府信息公开工作年度报告</a></li>
    </ul></body></html>""".encode()
    start = next(spider.start_requests())
    out = list(spider.parse_column(HtmlResponse(url=COLUMN, body=html, encoding="utf-8", request=start)))
    assert [r.url for r in out if r.callback.__name__ == "parse_report"] == [BASE + "webinfo/2024/01/1.htm"]


def test_a_page_written_in_utf8_that_declares_gb2312_is_queried_right():
    """Scrapy trusts the declared charset; the spider queries the page as the one decoding rule reads it."""
    from scrapy.http import HtmlResponse, Request

    body = ('<html><head><meta charset="gb2312"></head><body>'
            '<a href="/nb/1.html">邓州市2023年政府信息公开工作年度报告</a></body></html>').encode()
    response = HtmlResponse(COLUMN, body=body, headers={"Content-Type": "text/html; charset=gb2312"},
                            request=Request(COLUMN, meta={"site": "dengzhou"}))
    assert make_spider().selector(response).css("a::text").get() == "邓州市2023年政府信息公开工作年度报告"
