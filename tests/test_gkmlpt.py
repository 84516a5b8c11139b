"""Guangdong gkmlpt: _CONFIG, the JSON API paged by post_count, report pages (大埔县 大麻镇 layout)."""

from __future__ import annotations

import pytest

from crawler.spiders.gkmlpt import (
    GkmlptSpider,
    article_date,
    attachment_urls,
    parse_sid,
    parse_tree,
    report_categories,
)
from tests.saved_pages import file_response, one_site, response_for

COLUMN = "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/index"
API = "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/api/all/2590"


def make_spider(column: str = COLUMN, **kwargs) -> GkmlptSpider:
    site = one_site("gkmlpt", [column], slug="dabu-dama", body_level="town")
    return GkmlptSpider(sites=[site], **kwargs)


@pytest.fixture
def spider() -> GkmlptSpider:
    return make_spider()


@pytest.fixture
def api_request(spider):
    start = next(spider.start_requests())
    reqs = list(spider.parse_column(response_for(start, "gkmlpt_real_index.html")))
    assert [r.url for r in reqs] == [API + "?page=1&sid=765037", API.replace("2590", "2611") + "?page=1&sid=765037"]
    return reqs[0]


def test_config():
    text = file_response("gkmlpt_real_index.html", COLUMN).text
    assert parse_sid(text) == "765037"
    tree = parse_tree(text)
    assert [n["id"] for n in tree] == [2585, 2586, 2590, 2595, 2599]
    assert report_categories(tree) == [2590, 2611]  # 企业年报公示 is a decoy; 2611 sits under 2590


def test_first_api_request(api_request):
    assert api_request.url == API + "?page=1&sid=765037"
    assert api_request.meta["site"] == "dabu-dama"
    assert api_request.meta["body_level"] == "town"


def test_category_from_fragment():
    spider = make_spider(COLUMN + "#2611")
    start = next(spider.start_requests())
    (req,) = list(spider.parse_column(response_for(start, "gkmlpt_real_index.html", url=COLUMN)))
    assert req.url == "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/api/all/2611?page=1&sid=765037"


def test_api_page_1(spider, api_request):
    out = list(spider.parse_api(response_for(api_request, "gkmlpt_real_api_1.json")))
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    assert [(r.url, r.meta["title"], r.meta["list_date"]) for r in reports] == [
        ("https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/4/4311/post_4311001.html",
         "大埔县大麻镇人民政府2023年政府信息公开工作年度报告", "2024-01-29"),
        ("https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/2/2590/post_2590436.html",
         "大埔县大麻镇人民政府2022年政府信息公开工作年度报告", "2023-01-20"),
    ]
    pages = [r for r in out if r.callback.__name__ == "parse_api"]
    assert [r.url for r in pages] == [API + "?page=2&sid=765037"]  # 5 posts, 3 a page


def test_api_last_page(spider, api_request):
    out = list(spider.parse_api(response_for(api_request, "gkmlpt_real_api_1.json")))
    (page2,) = [r for r in out if r.callback.__name__ == "parse_api"]
    out2 = list(spider.parse_api(response_for(page2, "gkmlpt_real_api_2.json")))
    assert len(out2) == 2
    assert all(r.callback.__name__ == "parse_report" for r in out2)


def test_known_urls_stop_paging(api_request):
    spider = make_spider(known_urls={
        "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/4/4311/post_4311001.html",
        "https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/2/2590/post_2590436.html",
    })
    out = list(spider.parse_api(response_for(api_request, "gkmlpt_real_api_1.json")))
    assert [r.callback.__name__ for r in out] == ["parse_report", "parse_report"]


def test_article_date():
    assert article_date(1706515200) == "2024-01-29"
    assert article_date("2023-01-20 10:00:00") == "2023-01-20"
    assert article_date(None) is None


def test_column_url_may_be_the_api():
    spider = make_spider(API + "?page=1&sid=765037")
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "gkmlpt_real_api_1.json")))
    assert [r.callback.__name__ for r in out] == ["parse_report", "parse_report", "parse_api"]
    assert out[-1].url == API + "?page=2&sid=765037"
    assert out[0].meta["body_level"] == "town"


# --- the demo web's 大埔县 pages (tests/files/README.md) -----------------------------------------

DEMO = "http://127.0.0.14:18011"


def test_demo_index_categories():
    spider = make_spider(DEMO + "/gkmlpt/index")
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "gkmlpt_demo_index.html")))
    assert [r.url for r in out] == [f"{DEMO}/gkmlpt/api/all/{c}?page=1&sid=753" for c in (2590, 2597, 2598, 2599)]


def test_demo_api_pages():
    url = DEMO + "/gkmlpt/api/all/2598?page=1&sid=753"
    spider = make_spider(url)
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "gkmlpt_demo_api_1.json")))
    assert [r.url for r in page1] == [
        DEMO + "/gkmlpt/content/2/2592/post_2592226.html",
        DEMO + "/gkmlpt/content/2/2592/post_2592173.html",
        DEMO + "/gkmlpt/content/2/2591/post_2591961.html",
        DEMO + "/gkmlpt/content/2/2591/post_2591855.html",
        DEMO + "/gkmlpt/api/all/2598?page=2&sid=753",
    ]  # 法治政府建设年度报告 skipped; per_page 5 of 16 posts
    assert page1[0].meta["list_date"] == "2026-01-30"
    page2 = list(spider.parse_api(response_for(page1[-1], "gkmlpt_demo_api_2.json")))
    assert [r.url for r in page2][-1] == DEMO + "/gkmlpt/api/all/2598?page=3&sid=753"
    assert len(page2) == 5  # 政务公开工作要点 skipped


def test_demo_report_item():
    spider = make_spider(DEMO + "/gkmlpt/index")
    req = spider.report_request(DEMO + "/gkmlpt/content/2/2591/post_2591060.html",
                                response_for(next(spider.start_requests()), "gkmlpt_demo_index.html"),
                                title="大埔县发展和改革局2021年政府信息公开工作年报", list_date="2022-01-23")
    (item,) = list(spider.parse_report(response_for(req, "gkmlpt_demo_detail.html")))
    assert (item.site, item.title, item.list_date, item.body_level) == (
        "dabu-dama", "大埔县发展和改革局2021年政府信息公开工作年报", "2022-01-23", "town")


def test_attachments_named_by_the_api_are_followed_for_a_page_without_table():
    spider = make_spider()
    index = response_for(next(spider.start_requests()), "gkmlpt_real_index.html")
    req = spider.report_request("https://www.dabu.gov.cn/mzdpshzzf/gkmlpt/content/4/4311/post_4311001.html", index,
                                title="大埔县大麻镇人民政府2023年政府信息公开工作年度报告",
                                attachments=attachment_urls([{"name": "年报.pdf", "url": "/attachment/0/1/1.pdf"}, "x.png"]))
    out = list(spider.parse_report(response_for(req, "generic_real_report_pdf_only.html")))
    assert [getattr(r, "url", None) for r in out[1:]] == [
        "https://www.dabu.gov.cn/zl/zfxxgk/zfxxgknb/webinfo/2022/01/zlx2021nb.pdf",
        "https://www.dabu.gov.cn/zl/zfxxgk/zfxxgknb/webinfo/2022/01/zlx2021nb.docx",
        "https://www.dabu.gov.cn/attachment/0/1/1.pdf",
    ]
