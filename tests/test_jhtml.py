"""Zhengzhou public.* JEECMS channels: /D42Y/index.jhtml, index_N.jhtml paging."""

from __future__ import annotations

import pytest

from crawler.spiders.jhtml import JHTML_RE, JhtmlSpider
from tests.saved_pages import one_site, response_for

COLUMN = "http://public.jinshui.gov.cn/D42Y/index.jhtml"
HOST = "http://public.jinshui.gov.cn"


def make_spider(**kwargs) -> JhtmlSpider:
    return JhtmlSpider(sites=[one_site("jhtml", [COLUMN], slug="jinshui", body_level="department")], **kwargs)


@pytest.fixture
def spider() -> JhtmlSpider:
    return make_spider()


@pytest.fixture
def out(spider):
    start = next(spider.start_requests())
    return list(spider.parse_column(response_for(start, "jhtml_real_list.html")))


def test_reports(out):
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    assert [(r.url, r.meta["title"], r.meta["list_date"], r.meta["body_level"]) for r in reports] == [
        (HOST + "/D42Y/7012345.jhtml", "金水区发展和改革委员会2023年度报告", "2024-01-30", "department"),
        (HOST + "/D42Y/7012001.jhtml", "金水区文化路街道办事处2023年政府信息公开工作年度报告", "2024-01-29", "department"),
    ]


def test_decoys_skipped(out):
    urls = {r.url for r in out}
    assert HOST + "/D42Y/6990000.jhtml" not in urls  # 编制工作的通知
    assert HOST + "/D01X/7013000.jhtml" not in urls  # 政务公开工作要点


def test_next_page(out):
    pages = [r for r in out if r.callback.__name__ == "parse_column"]
    assert [(r.url, r.meta["page_number"], r.meta["site"]) for r in pages] == [
        (HOST + "/D42Y/index_2.jhtml", 2, "jinshui")
    ]


def test_known_urls_stop_paging(out):
    known = {r.url for r in out if r.callback.__name__ == "parse_report"}
    spider = make_spider(known_urls=known)
    start = next(spider.start_requests())
    again = list(spider.parse_column(response_for(start, "jhtml_real_list.html")))
    assert [r.callback.__name__ for r in again] == ["parse_report", "parse_report"]


def test_missing_page_stops(spider, out):
    (page2,) = [r for r in out if r.callback.__name__ == "parse_column"]
    assert list(spider.parse_column(response_for(page2, "jhtml_real_list.html", status=404))) == []


def test_url_form():
    assert JHTML_RE.search("/D42Y/1478612.jhtml")
    assert JHTML_RE.search("/02MC/2090413.jhtml")
    assert not JHTML_RE.search("/D42Y/index_2.jhtml")


# --- the demo web's 金水区 pages (tests/files/README.md) -----------------------------------------

DEMO = "http://127.0.0.15:18011"


def test_demo_list_pages():
    spider = JhtmlSpider(sites=[one_site("jhtml", [DEMO + "/D42Y01/index.jhtml"], slug="jinshui")])
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "jhtml_demo_list.html")))
    assert [r.url for r in page1] == [DEMO + f"/D42Y01/{n}.jhtml" for n in
                                      (1478429, 1478418, 1478385, 1478363, 1478319, 1478308)] + [
        DEMO + "/D42Y01/index_2.jhtml"]
    assert page1[3].meta["title"] == "金水区城市管理局2024年政府信息公开工作年报"
    assert page1[3].meta["list_date"] == "2025-01-15"
    page2 = list(spider.parse_column(response_for(page1[-1], "jhtml_demo_list_2.html")))
    assert [r.url for r in page2] == [DEMO + f"/D42Y01/{n}.jhtml" for n in
                                      (1478209, 1478198, 1478143, 1478121, 1478099)] + [
        DEMO + "/D42Y01/index_3.jhtml"]  # 法治政府建设年度报告 (1478297) skipped
    assert page2[-1].meta["page_number"] == 3
