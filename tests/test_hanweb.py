"""Hanweb jcms: the embedded datastore and the dataproxy POST paging (宁波 江北区 layout)."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from crawler.spiders.hanweb import HanwebSpider, parse_param, total_records
from tests.saved_pages import file_response, one_site, response_for

COLUMN = "http://www.nbjb.gov.cn/col/col1229214366/index.html"
HOST = "http://www.nbjb.gov.cn"


def make_spider(**kwargs) -> HanwebSpider:
    return HanwebSpider(sites=[one_site("hanweb", [COLUMN], slug="nbjb")], **kwargs)


@pytest.fixture
def spider() -> HanwebSpider:
    return make_spider()


@pytest.fixture
def column_out(spider):
    start = next(spider.start_requests())
    return list(spider.parse_column(response_for(start, "hanweb_real_column.html")))


def reports(out):
    return [r for r in out if r.callback.__name__ == "parse_report"]


def groups(out):
    return [r for r in out if r.callback.__name__ == "parse_group"]


def test_embedded_reports(column_out):
    assert [(r.url, r.meta["title"], r.meta["list_date"]) for r in reports(column_out)] == [
        (HOST + "/art/2024/1/26/art_1229214366_58934561.html", "宁波市江北区人民政府2023年政府信息公开工作年度报告", "2024-01-26"),
        (HOST + "/art/2024/1/22/art_1229214366_58930012.html", "江北区文化广电旅游体育局2023年政府信息公开工作年度报告", "2024-01-22"),
        (HOST + "/art/2024/1/18/art_1229214366_58920000.html", "甬江街道2023年政府信息公开工作年度报告", "2024-01-18"),
    ]


def test_decoy_skipped(column_out):
    assert HOST + "/art/2023/12/20/art_1229214366_58800000.html" not in {r.url for r in column_out}


def test_first_group_post(column_out):
    (req,) = groups(column_out)
    assert req.method == "POST"
    assert req.url == HOST + "/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15"
    form = {k: v[0] for k, v in parse_qs(req.body.decode(), keep_blank_values=True).items()}
    assert form == {
        "col": "1",
        "appid": "1",
        "webid": "3152",
        "path": "/",
        "columnid": "1229214366",
        "sourceContentType": "1",
        "unitid": "4171006",
        "webname": "宁波市江北区人民政府",
        "permissiontype": "0",
    }
    assert req.meta["site"] == "nbjb"


def test_overlapping_group_deduped_and_last_group(spider, column_out):
    (req,) = groups(column_out)
    out = list(spider.parse_group(response_for(req, "hanweb_real_group2.xml")))
    assert [(r.url, r.meta["list_date"]) for r in reports(out)] == [
        (HOST + "/art/2023/1/30/art_1229214366_58100001.html", "2023-01-30"),
    ]
    (nxt,) = groups(out)
    assert nxt.url == HOST + "/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=100&perpage=15"
    assert list(spider.parse_group(response_for(nxt, "hanweb_real_group2.xml"))) == []  # 100 of 100: done


def test_known_urls_stop_paging(column_out):
    known = {r.url for r in reports(column_out)}
    spider = make_spider(known_urls=known)
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "hanweb_real_column.html")))
    assert groups(out) == []
    assert {r.url for r in reports(out)} == known


def test_param_and_totals():
    text = file_response("hanweb_real_column.html", COLUMN).text
    assert parse_param(text)["columnid"] == "1229214366"
    assert total_records(text) == 100
    assert total_records("<totalrecord>37</totalrecord>") == 37


def test_column_without_param_uses_column_id(spider):
    html = (b"<html><body><script type='text/xml'><datastore><recordset>"
            b"<record><![CDATA[<li><a href='/art/2024/1/2/art_1229214366_1.html'>2023\xe5\xb9\xb4\xe6\x94\xbf\xe5\xba\x9c"
            b"\xe4\xbf\xa1\xe6\x81\xaf\xe5\x85\xac\xe5\xbc\x80\xe5\xb7\xa5\xe4\xbd\x9c\xe5\xb9\xb4\xe5\xba\xa6\xe6\x8a\xa5\xe5\x91\x8a</a></li>]]></record>"
            b"</recordset></datastore></script><script>var totalRecord = 60;</script></body></html>")
    from scrapy.http import HtmlResponse
    start = next(spider.start_requests())
    out = list(spider.parse_column(HtmlResponse(url=COLUMN, body=html, encoding="utf-8", request=start)))
    assert len(reports(out)) == 1
    (req,) = groups(out)
    assert "columnid=1229214366" in req.body.decode()
    assert req.url.endswith("startrecord=46&endrecord=60&perpage=15")


# --- the demo web's 开化县 pages (tests/files/README.md) -----------------------------------------

DEMO = "http://127.0.0.13:18011"
DEMO_FORM = {"col": "1", "appid": "1", "webid": "3", "path": "/", "columnid": "1229792462", "sourceContentType": "1",
             "unitid": "4698", "webname": "开化县人民政府", "permissiontype": "0"}


def test_demo_column_and_group():
    spider = HanwebSpider(sites=[one_site("hanweb", [DEMO + "/col/col1229792462/index.html"], slug="kaihua")])
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "hanweb_demo_column.html")))
    assert len(reports(out)) == 13  # 15 embedded records, two of them not reports
    assert reports(out)[-1].url == DEMO + "/art/2022/1/22/art_1229792462_88161.html"
    (post,) = groups(out)
    assert post.url == DEMO + "/module/web/jpage/dataproxy.jsp?startrecord=16&endrecord=22&perpage=5"
    assert {k: v[0] for k, v in parse_qs(post.body.decode(), keep_blank_values=True).items()} == DEMO_FORM
    # The saved reply is the demo's own overlapping group (15–30): record 15 is not requested again.
    out2 = list(spider.parse_group(response_for(post, "hanweb_demo_group2.xml")))
    assert [r.url for r in reports(out2)] == [
        DEMO + "/art/2021/1/18/art_1229792462_88133.html",
        DEMO + "/art/2021/1/15/art_1229792462_88126.html",
        DEMO + "/art/2020/1/15/art_1229792462_88070.html",
        DEMO + "/art/2020/1/11/art_1229792462_88063.html",
        DEMO + "/art/2020/1/8/art_1229792462_88056.html",
        DEMO + "/art/2019/1/20/art_1229792462_88014.html",
    ]
    assert groups(out2) == []  # 22 records in all
    assert reports(out2)[0].meta["list_date"] == "2021-01-18"
