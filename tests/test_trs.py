"""TRS t-date lists: saved pages (GBK) of the 浑南区 layout."""

from __future__ import annotations

import pytest
from scrapy.http import Request

from crawler.spiders.items import ReportItem
from crawler.spiders.trs import TrsSpider, is_tdate_url
from tests.saved_pages import FILES, file_response, one_site, response_for

COLUMN = "http://www.hunnan.gov.cn/zwgk/zfxxgknb/index.html"
BASE = "http://www.hunnan.gov.cn/zwgk/zfxxgknb/"


def make_spider(**kwargs) -> TrsSpider:
    return TrsSpider(sites=[one_site("trs", [COLUMN], slug="hunnan")], **kwargs)


@pytest.fixture
def spider() -> TrsSpider:
    return make_spider()


@pytest.fixture
def first_page(spider):
    start = next(spider.start_requests())
    return list(spider.parse_column(response_for(start, "trs_real_list.html")))


def test_start_request(spider):
    (req,) = list(spider.start_requests())
    assert req.url == COLUMN
    assert req.meta["site"] == "hunnan"
    assert req.meta["column"] == "column 0"
    assert req.meta["body_level"] == "government"
    assert spider.allowed_domains == ["www.hunnan.gov.cn"]


def test_reports(first_page):
    reports = [r for r in first_page if r.callback.__name__ == "parse_report"]
    assert [(r.url, r.meta["title"], r.meta["list_date"]) for r in reports] == [
        (BASE + "202401/t20240125_4701234.html", "沈阳市浑南区人民政府2023年政府信息公开工作年度报告", "2024-01-25"),
        (BASE + "202401/t20240119_4700001.html", "浑南区教育局2023年政府信息公开工作年度报告", "2024-01-19"),
        (BASE + "202401/P020240120555.pdf", "浑南街道2023年政府信息公开工作年度报告（PDF）", "2024-01-20"),
    ]
    assert all(r.meta["site"] == "hunnan" and r.meta["body_level"] == "government" for r in reports)


def test_decoys_skipped(first_page):
    urls = {r.url for r in first_page}
    assert BASE + "202312/t20231201_4600001.html" not in urls  # 编制发布工作的通知
    assert BASE + "202403/t20240301_4800001.html" not in urls  # 政务公开工作要点


def test_subcolumns(first_page):
    subs = [r for r in first_page if r.callback.__name__ == "parse_column" and r.meta["page"] == 0]
    assert [r.url for r in subs] == [BASE + "2022/", BASE + "2023/index.html"]
    assert all(r.meta["depth_in_column"] == 1 for r in subs)


def test_next_page_from_create_page_html(first_page):
    pages = [r for r in first_page if r.callback.__name__ == "parse_column" and r.meta["page"] > 0]
    assert [(r.url, r.meta["page"], r.meta["page_total"]) for r in pages] == [(BASE + "index_1.html", 1, 3)]
    assert pages[0].meta["handle_httpstatus_list"] == [404]


def test_missing_index_1_is_skipped(spider, first_page):
    (page1,) = [r for r in first_page if r.callback.__name__ == "parse_column" and r.meta["page"] == 1]
    out = list(spider.parse_column(response_for(page1, "trs_real_stub.html", status=404)))
    assert [(r.url, r.meta["page"]) for r in out] == [(BASE + "index_2.html", 2)]


def test_last_page_stops(spider, first_page):
    (page1,) = [r for r in first_page if r.callback.__name__ == "parse_column" and r.meta["page"] == 1]
    page2 = list(spider.parse_column(response_for(page1, "trs_real_stub.html", status=404)))[0]
    out = list(spider.parse_column(response_for(page2, "trs_real_countpage.html")))
    assert len([r for r in out if r.callback.__name__ == "parse_report"]) == 2
    assert not [r for r in out if r.callback.__name__ == "parse_column"]  # page 3 of 3 is the last


def test_stub_page_stops_paging(spider, first_page):
    (page1,) = [r for r in first_page if r.callback.__name__ == "parse_column" and r.meta["page"] == 1]
    assert list(spider.parse_column(response_for(page1, "trs_real_stub.html"))) == []


def test_count_page_script():
    spider = make_spider()
    url = "http://www.hunnan.gov.cn/zwgk/zfxxgknb/2022/2022bmdnbg/index.html"
    req = Request(url, meta={"site": "hunnan", "column": "c", "body_level": "department", "page": 0})
    out = list(spider.parse_column(response_for(req, "trs_real_countpage.html")))
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    assert [(r.meta["title"], r.meta["list_date"]) for r in reports] == [
        ("2022年浑南区发展和改革局政府信息公开工作年度报告", "2023-01-18"),
        ("浑南区2022年政府信息公开年报", "2023-01-17"),
    ]
    assert reports[0].url == "http://www.hunnan.gov.cn/zwgk/zfxxgknb/2022/202301/t20230118_4373320.html"
    pages = [r.url for r in out if r.callback.__name__ == "parse_column"]
    assert pages == ["http://www.hunnan.gov.cn/zwgk/zfxxgknb/2022/2022bmdnbg/index_1.html"]


def test_gbk_page_is_read():
    resp = file_response("trs_real_list.html", COLUMN)
    assert "浑南区" in resp.text


def test_known_urls_stop_paging(first_page):
    reports = {r.url for r in first_page if r.callback.__name__ == "parse_report"}
    spider = make_spider(known_urls=reports)
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "trs_real_list.html")))
    assert not [r for r in out if r.callback.__name__ == "parse_column" and r.meta["page"] > 0]
    assert {r.url for r in out if r.callback.__name__ == "parse_report"} == reports  # still re-fetched


def test_some_known_urls_keep_paging():
    spider = make_spider(known_urls={BASE + "202401/t20240125_4701234.html"})
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "trs_real_list.html")))
    assert [r.url for r in out if r.callback.__name__ == "parse_column" and r.meta["page"] > 0] == [BASE + "index_1.html"]


def test_report_item(spider, first_page):
    report = first_page[0]
    item = next(spider.parse_report(response_for(report, "trs_real_countpage.html")))
    assert isinstance(item, ReportItem)
    assert (item.site, item.url, item.title, item.list_date, item.body_level, item.column) == (
        "hunnan",
        BASE + "202401/t20240125_4701234.html",
        "沈阳市浑南区人民政府2023年政府信息公开工作年度报告",
        "2024-01-25",
        "government",
        "column 0",
    )


def test_is_tdate_url():
    assert is_tdate_url("https://cqqj.gov.cn/zwgk_159/zfxxgknb/qzfxxgknb/202403/t20240327_13086081_wap.html")
    assert is_tdate_url("http://www.qiaokou.gov.cn/xxgk/zfxxgknb/bmjdhz/qzfgzjg/qzfb/202401/t20240125_2349704.shtml")
    assert not is_tdate_url("http://www.hunnan.gov.cn/zwgk/zfxxgknb/index_1.html")


# --- the demo web's 西工区 pages (GBK, tests/files/README.md) ------------------------------------

DEMO = "http://127.0.0.12:18011/zwgk/zfxxgknb/bmnb/"


@pytest.fixture
def demo_spider() -> TrsSpider:
    return TrsSpider(sites=[one_site("trs", [DEMO + "index.html"], slug="xigong", body_level="department")])


def test_demo_list_pages(demo_spider):
    start = next(demo_spider.start_requests())
    page0 = list(demo_spider.parse_column(response_for(start, "trs_demo_list.html")))
    assert [r.url for r in page0] == [
        DEMO + "202601/t20260122_2341591.html",
        DEMO + "202601/t20260111_2341554.html",
        DEMO + "202501/t20250128_2341406.html",
        DEMO + "202501/t20250122_2341369.html",
        DEMO + "202501/t20250120_2341332.html",
        DEMO + "index_1.html",
    ]  # 关于印发《…政务公开工作要点》的通知 skipped; createPageHTML found after its definition
    assert page0[0].meta["title"] == "西工区卫生健康委员会2025年政府信息公开工作年度报告"
    assert page0[-1].meta["page_total"] == 4
    page1 = list(demo_spider.parse_column(response_for(page0[-1], "trs_demo_list_1.html")))
    assert [r.url for r in page1][-1] == DEMO + "index_2.html"
    assert len(page1) == 6  # five reports (政府信息公开目录 skipped) and page 2


def test_demo_report_item_keeps_gbk_bytes(demo_spider):
    start = next(demo_spider.start_requests())
    page0 = list(demo_spider.parse_column(response_for(start, "trs_demo_list.html")))
    (item,) = list(demo_spider.parse_report(response_for(page0[0], "trs_demo_detail.html", url=page0[0].url)))
    assert item.body == (FILES / "trs_demo_detail.html").read_bytes()
    assert item.title == "西工区卫生健康委员会2025年政府信息公开工作年度报告"


def test_registered_subcolumn_is_not_followed_from_its_parent():
    site = one_site("trs", [COLUMN, BASE + "2022/"], slug="hunnan")
    spider = TrsSpider(sites=[site])
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "trs_real_list.html")))
    subs = [r.url for r in out if r.callback.__name__ == "parse_column" and r.meta["page"] == 0]
    assert subs == [BASE + "2023/index.html"]  # 2022/ is crawled as its own column
