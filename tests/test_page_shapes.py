"""List and detail page shapes real sites serve, each in a page written in that shape (tests/files/*_shape_*)."""

from __future__ import annotations

from scrapy.http import Request

from crawler.spiders.generic import GenericSpider
from crawler.spiders.trs import TrsSpider, is_report_page_url
from tests.saved_pages import FILES, one_site, response_for


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


# --- lists numbered backwards (index_<colid>_<N>.html, N counting down) behind textless, hidden links -

BACK = "http://www.example.gov.cn/xxgk/ndbg/"


def _later_page(n: int) -> bytes:
    """Page index_1234_<n>.html of the same column: two reports, and no pager at all (a script draws it)."""
    items = "".join(f'<li><span class="date">20{18 + n}-01-2{k}</span><a href="/html/1234/20{18 + n}-01/{9000 + 10 * n + k}.html">'
                    f"某某县第{k}局20{17 + n}年政府信息公开工作年度报告</a></li>" for k in (1, 2))
    return (f'<html><head><meta charset="utf-8"></head><body><ul>{items}</ul>'
            f'<script>drawPager("pagelist", 4, {5 - n});</script></body></html>').encode()


def test_backwards_numbered_list_is_walked_down_to_1():
    from scrapy.http import HtmlResponse

    spider = GenericSpider(sites=[one_site("generic", [BACK + "index_1234.html"], slug="back")])
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "generic_shape_backwards.html")))
    assert len(_reports(out)) == 3
    walked, request = [], _lists(out)
    while request:
        (req,) = request
        walked.append(req.url)
        n = int(req.url.rsplit("_", 1)[1].split(".")[0])
        response = HtmlResponse(url=req.url, body=_later_page(n), encoding="utf-8", request=req)
        page = list(spider.parse_column(response))
        assert len(_reports(page)) == 2
        request = _lists(page)
    assert walked == [BACK + "index_1234_3.html", BACK + "index_1234_2.html", BACK + "index_1234_1.html"]


def test_counting_up_textless_links_stop_at_the_last_named():
    from scrapy.http import HtmlResponse

    spider = GenericSpider(sites=[one_site("generic", [BACK + "index_77.html"], slug="up")])
    start = next(spider.start_requests())
    body = ('<html><body><a href="/html/1.html">某某县2023年政府信息公开工作年度报告</a>'
            '<a href="index_77_2.html"><img src="n.gif"></a><a href="index_77_3.html"><img src="l.gif"></a>'
            '</body></html>').encode()
    (req,) = _lists(spider.parse_column(HtmlResponse(url=start.url, body=body, encoding="utf-8", request=start)))
    assert req.url == BACK + "index_77_2.html"
    (req3,) = _lists(spider.parse_column(HtmlResponse(url=req.url, body=b"<html><body></body></html>",
                                                      encoding="utf-8", request=req)))
    assert req3.url == BACK + "index_77_3.html"
    assert _lists(spider.parse_column(HtmlResponse(url=req3.url, body=b"<html></html>", encoding="utf-8",
                                                   request=req3))) == []


# --- a column whose later pages come only from a JSON API (Fujian's 动静结合 TRS pages) -------------

FJ = "https://www.example-fj.gov.cn/zwgk/zfxxgkzl/zfxxgknb/"
FJ_API = "https://www.example-fj.gov.cn/fjdzapp/search"


def _fj_spider() -> TrsSpider:
    return TrsSpider(sites=[one_site("trs", [FJ + "index.htm"], slug="fj")])


def _api_requests(out):
    return [r for r in out if r.callback.__name__ == "parse_api_page"]


def test_json_api_pages_are_followed_to_the_end():
    from urllib.parse import parse_qs

    spider = _fj_spider()
    start = next(spider.start_requests())
    page1 = list(spider.parse_column(response_for(start, "trs_shape_fujian_list.html")))
    assert len(_reports(page1)) == 5
    (api2,) = _api_requests(page1)
    form = parse_qs(api2.body.decode())
    assert (api2.method, api2.url) == ("POST", FJ_API)
    assert {k: v[0] for k, v in form.items()} == {
        "channelid": "229105", "sortfield": "-docorderpri,-docreltime", "classsql": "chnlid=40615",
        "classcol": "publishyear", "classnum": "100", "classsort": "0", "cache": "true", "prepage": "5", "page": "2"}
    page2 = list(spider.parse_api_page(response_for(api2, "trs_shape_fujian_api_2.json")))
    reports2 = _reports(page2)
    assert [r.meta["title"] for r in reports2][:2] == ["某某县财政局2023年政府信息公开工作年度报告",
                                                        "某某县人力资源和社会保障局2023年政府信息公开工作年度报告"]
    assert len(reports2) == 4  # 工作要点的通知 is not a report
    assert reports2[0].url == FJ + "202401/t20240126_6389005.htm" and reports2[0].meta["list_date"] == "2024-01-26"
    (api3,) = _api_requests(page2)
    assert parse_qs(api3.body.decode())["page"] == ["3"]
    page3 = list(spider.parse_api_page(response_for(api3, "trs_shape_fujian_api_3.json")))
    assert len(_reports(page3)) == 2 and _api_requests(page3) == []
    assert spider.pages_unread == {}


def test_json_api_that_answers_no_json_counts_the_pages_unread():
    spider = _fj_spider()
    start = next(spider.start_requests())
    (api2,) = _api_requests(spider.parse_column(response_for(start, "trs_shape_fujian_list.html")))
    assert list(spider.parse_api_page(response_for(api2, "trs_shape_six_args.html"))) == []
    assert spider.pages_unread == {"fj": 2}  # pages 2 and 3 of 3 (recordCount 12, prepage 5)


def test_json_api_request_that_fails_counts_the_pages_unread():
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    spider = _fj_spider()
    start = next(spider.start_requests())
    (api2,) = _api_requests(spider.parse_column(response_for(start, "trs_shape_fujian_list.html")))
    response = response_for(api2, "trs_shape_fujian_api_2.json", status=403)
    failure = Failure(HttpError(response, "Ignoring non-200 response"))
    failure.request = api2
    api2.errback(failure)
    assert spider.pages_unread == {"fj": 2}


def test_a_page_that_declares_more_entries_than_it_can_reach_counts_them_unread():
    from scrapy.http import HtmlResponse

    spider = _fj_spider()
    start = next(spider.start_requests())
    body = (FILES / "trs_shape_fujian_list.html").read_text(encoding="utf-8").replace("/fjdzapp/search", "/search.do")
    out = list(spider.parse_column(HtmlResponse(url=start.url, body=body.encode(), encoding="utf-8", request=start)))
    assert len(_reports(out)) == 5 and _api_requests(out) == [] and _lists(out) == []
    assert spider.pages_unread == {"fj": 2}  # 12 entries, 5 a page: two pages nothing links


def test_unread_pages_raise_the_site_alarm():
    from crawler.crawl.health import site_alarm
    from crawler.crawl.runs import SiteResult

    ok = SiteResult("fj", "trs", reports_seen=5, pages=6, requests=6)
    assert site_alarm(ok, had_reports=True) is None
    ok.pages_unread = 2
    assert site_alarm(ok, had_reports=True) == "2 list pages of a column unread (part of the column not crawled)"
    failing = SiteResult("fj", "trs", errors={"http_403": 1}, pages_unread=1)
    assert site_alarm(failing, had_reports=False) == (
        "only errors, no reports (http_403 x1); 1 list page of a column unread (part of the column not crawled)")


def test_pages_unread_reach_crawl_sites(tmp_path):
    from crawler.crawl.runs import SiteResult, record_run
    from crawler.record.store import open_db

    db_path = tmp_path / "archive.db"
    db = open_db(db_path)
    run_id = db["crawl_runs"].insert({"started": "2026-01-01T00:00:00", "status": "running"}).last_pk
    r = SiteResult("fj", "trs", reports_seen=5, pages_unread=2)
    r.alarm = "2 list pages of a column unread (part of the column not crawled)"
    record_run(db_path, run_id, [r], "2026-01-01T00:00:00")
    row = next(iter(open_db(db_path).query("select pages_unread, alarm from crawl_sites where site = 'fj'")))
    assert row == {"pages_unread": 2, "alarm": r.alarm}
    run = next(iter(open_db(db_path).query("select pages_unread, status from crawl_runs")))
    assert run == {"pages_unread": 2, "status": "alarm"}


# --- a TRS detail page whose TRS_Editor body is short: the report is its attachment -----------------

SHORT = "http://www.example.gov.cn/xxgk/zfxxgknb/bmnb/202401/t20240126_5512345.html"


def test_short_trs_editor_body_is_the_article():
    from crawler.extract.htmldoc import html_document

    body, _ = html_document((FILES / "trs_shape_short_body.html").read_text(encoding="utf-8"), SHORT)
    assert [line.cells for line in body.lines] == [
        ["根据《中华人民共和国政府信息公开条例》要求，现将某某区司法局2023年政府信息公开工作年度报告全文公布（见附件）。"],
        ["附件：某某区司法局2023年政府信息公开工作年度报告.pdf"],
    ]  # not the 相关信息 table of other years' reports


def test_short_trs_editor_page_says_what_its_report_is():
    from crawler.extract import extract_bytes

    report = extract_bytes((FILES / "trs_shape_short_body.html").read_bytes(), url=SHORT)
    assert (report.title, report.year, report.agency, report.published) == (
        "某某区司法局2023年政府信息公开工作年度报告", 2023, "某某区司法局", "2024-01-26")
    assert report.cells == {}  # its numbers are in the PDF


def test_short_trs_editor_page_follows_its_own_attachment_only():
    spider = TrsSpider(sites=[one_site("trs", ["http://www.example.gov.cn/xxgk/zfxxgknb/bmnb/"], slug="short")])
    req = Request(SHORT, meta={"site": "short", "column": "c", "body_level": "department", "title": "t"})
    item, *files = list(spider.parse_report(response_for(req, "trs_shape_short_body.html")))
    pdf = "http://www.example.gov.cn/xxgk/zfxxgknb/bmnb/202401/P020240126512345678901.pdf"
    assert item.attachments == [pdf]  # not the footer's 申请表.doc
    assert [(r.url, r.meta["page_url"]) for r in files] == [(pdf, SHORT)]


def test_attachment_block_beside_the_body_is_followed():
    from scrapy.http import HtmlResponse

    spider = TrsSpider(sites=[one_site("trs", ["http://www.example.gov.cn/xxgk/"], slug="short")])
    body = ('<html><body><div class="TRS_Editor"><p>现将年度报告公布如下。</p><p><a href="a.pdf">报告.pdf</a></p></div>'
            '<div class="fujian">附件：<a href="b.xls">报告表格.xls</a></div>'
            '<div class="footer"><a href="/sqb.doc">申请表</a></div></body></html>').encode()
    req = Request(SHORT, meta={"site": "short", "column": "c", "body_level": "department"})
    item = next(spider.parse_report(HtmlResponse(url=SHORT, body=body, encoding="utf-8", request=req)))
    base = SHORT.rsplit("/", 1)[0] + "/"
    assert item.attachments == [base + "a.pdf", base + "b.xls"]


# --- titles with the site's name appended ----------------------------------------------------------

def test_site_name_suffix_is_not_the_title():
    from crawler.extract import extract_bytes

    report = extract_bytes((FILES / "trs_shape_title_suffix.html").read_bytes(),
                           url="http://www.example.gov.cn/n2588035/n2588320/c29713283/content.html")
    assert (report.title, report.agency, report.year) == ("国务院国资委2023年政府信息公开工作年度报告", "国务院国资委", 2023)


def test_strip_site_name_forms():
    from crawler.extract.meta import strip_site_name

    assert strip_site_name("城关镇2023年政府信息公开工作年度报告_某某县人民政府") == "城关镇2023年政府信息公开工作年度报告"
    assert strip_site_name("某某局2023年政府信息公开工作年度报告_政府信息公开年报_某某区人民政府") == (
        "某某局2023年政府信息公开工作年度报告")
    assert strip_site_name("某某区2023年政府信息公开工作年度报告 | 某某区人民政府门户网站") == "某某区2023年政府信息公开工作年度报告"
    assert strip_site_name("某某区2023年政府信息公开工作年度报告——某某区人民政府") == "某某区2023年政府信息公开工作年度报告"
    assert strip_site_name("某某街道政府信息公开工作年度报告-某某区人民政府") == "某某街道政府信息公开工作年度报告"
    # not a suffix: a site's name in front, a year, a range of years
    assert strip_site_name("某某区人民政府_2023年政府信息公开工作年度报告") == "某某区人民政府_2023年政府信息公开工作年度报告"
    assert strip_site_name("政府信息公开工作年度报告-2023") == "政府信息公开工作年度报告-2023"
    assert strip_site_name("2022-2023年政府信息公开工作年度报告") == "2022-2023年政府信息公开工作年度报告"


def test_agency_is_never_the_site_name_suffix():
    from crawler.extract.meta import find_agency

    assert find_agency("某某街道政府信息公开工作年度报告_某某区人民政府", "") == "某某街道"
    assert find_agency("2023年政府信息公开工作年度报告-国务院国有资产监督管理委员会", "") is None
