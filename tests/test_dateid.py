"""Date-ID lists (/YYYY/MM-DD/ID.html): the Luoyang platform layout, "下一页" paging."""

from __future__ import annotations

import pytest

from crawler.spiders.dateid import DATEID_RE, DateidSpider
from tests.saved_pages import one_site, response_for

COLUMN = "http://www.mengjin.gov.cn/zwgk/zfxxgknb/index.html"
HOST = "http://www.mengjin.gov.cn"


def make_spider(**kwargs) -> DateidSpider:
    return DateidSpider(sites=[one_site("dateid", [COLUMN], slug="mengjin")], **kwargs)


@pytest.fixture
def spider() -> DateidSpider:
    return make_spider()


@pytest.fixture
def out(spider):
    start = next(spider.start_requests())
    return list(spider.parse_column(response_for(start, "dateid_real_list.html")))


def test_reports(out):
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    assert [(r.url, r.meta["title"], r.meta["list_date"]) for r in reports] == [
        (HOST + "/2024/01-29/1001234.html", "洛阳市孟津区人民政府2023年政府信息公开工作年度报告", "2024-01-29"),
        (HOST + "/2024/01-26/1001100.html", "孟津区城市管理局2023年政府信息公开工作年度报告", "2024-01-26"),
        (HOST + "/2024/01-20/1000900.html", "孟津区平乐镇2023年政府信息公开工作年度报告", "2024-01-20"),
        # off-site: the list links it, the offsite middleware drops it
        ("http://www.ly.gov.cn/2024/01-30/1001300.html", "洛阳市人民政府2023年政府信息公开工作年度报告", "2024-01-30"),
    ]


def test_decoys_skipped(out):
    urls = {r.url for r in out}
    assert HOST + "/2024/03-15/1003000.html" not in urls
    assert HOST + "/2021/05-08/847697.html" not in urls


def test_next_page(spider, out):
    pages = [r for r in out if r.callback.__name__ == "parse_column"]
    assert [(r.url, r.meta["page_number"]) for r in pages] == [(HOST + "/zwgk/zfxxgknb/index_2.html", 2)]
    # Served as page 2, the same markup's "下一页" points at the page itself: the numbered link 3 is taken.
    nxt = list(spider.parse_column(response_for(pages[0], "dateid_real_list.html")))
    assert [(r.url, r.meta["page_number"]) for r in nxt if r.callback.__name__ == "parse_column"] == [
        (HOST + "/zwgk/zfxxgknb/index_3.html", 3)
    ]


def test_known_urls_stop_paging(out):
    known = {r.url for r in out if r.callback.__name__ == "parse_report"}
    spider = make_spider(known_urls=known)
    start = next(spider.start_requests())
    again = list(spider.parse_column(response_for(start, "dateid_real_list.html")))
    assert [r for r in again if r.callback.__name__ == "parse_column"] == []


def test_url_forms():
    assert DATEID_RE.search("/2021/05-08/847697.html")
    assert DATEID_RE.search("/2024/0111/15120.html")
    assert DATEID_RE.search("/html/1//2/151/164/175/552/554/59946.html")
    assert not DATEID_RE.search("/zwgk/zfxxgknb/index_2.html")


# --- the demo web's 孟津区 pages (tests/files/README.md) ----------------------------------------

DEMO = "http://127.0.0.11:18011"


@pytest.fixture
def demo_spider() -> DateidSpider:
    return DateidSpider(sites=[one_site("dateid", [DEMO + "/list/4032.html"], slug="mengjin", body_level="department")])


def test_demo_list_pages(demo_spider):
    start = next(demo_spider.start_requests())
    page1 = list(demo_spider.parse_column(response_for(start, "dateid_demo_list.html")))
    assert [r.url for r in page1] == [
        DEMO + "/2026/02-25/1483642.html",
        DEMO + "/2025/01-22/1363936.html",
        DEMO + "/2024/01-19/1253228.html",
        DEMO + "/2024/01-06/1249327.html",
        DEMO + "/2023/01-27/1146123.html",
        DEMO + "/2023/01-11/1141321.html",
        DEMO + "/list/4032_2.html",
    ]
    assert page1[0].meta["title"] == "孟津区教育局2025年政府信息公开工作年度报告"  # full title, the link text is cut
    assert page1[0].meta["list_date"] == "2026-02-25"
    page2 = list(demo_spider.parse_column(response_for(page1[-1], "dateid_demo_list_2.html")))
    assert [r.url for r in page2] == [
        DEMO + "/2022/01-31/1037815.html",
        DEMO + "/2022/01-07/1030613.html",
        DEMO + "/2020/01-18/814606.html",
        DEMO + "/2019/01-17/704803.html",
    ]  # the last page: no next page; 公开指南 and 考核结果的通报 skipped
    assert all(r.meta["body_level"] == "department" for r in page1 + page2)


def test_demo_report_item(demo_spider):
    start = next(demo_spider.start_requests())
    page2 = list(demo_spider.parse_column(response_for(start, "dateid_demo_list_2.html")))
    report = next(r for r in page2 if r.url.endswith("/1030613.html"))
    (item,) = list(demo_spider.parse_report(response_for(report, "dateid_demo_detail.html")))
    assert (item.site, item.url, item.title, item.body_level) == (
        "mengjin", DEMO + "/2022/01-07/1030613.html", "孟津区发展和改革委员会2021年政府信息公开工作年度报告", "department")
    assert item.body.startswith(b"<!DOCTYPE html>")
