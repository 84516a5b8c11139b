"""The nightly crawl's parts, without crawling: list-date skipping, alarms, site_health, errors by kind,
the fault-mode demo web and its mutations, the CLI and polite settings."""

from __future__ import annotations

import http.client
import json
import urllib.request
from types import SimpleNamespace
from urllib.error import HTTPError

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.crawl.health import install_site_health, site_alarm
from crawler.crawl.middlewares import SiteHealthMiddleware, error_kind, is_waf_challenge
from crawler.crawl.runs import SiteResult
from crawler.demo.faults import Fault, FaultPlan, add_reports, build_variant, edit_report
from crawler.demo.generator import build_demo_web, build_site
from crawler.demo.server import DemoWeb
from crawler.spiders.arguments import load_known_urls
from crawler.spiders.dateid import DateidSpider
from crawler.spiders.decoding import response_text
from tests.saved_pages import one_site, response_for

COLUMN = "http://www.mengjin.gov.cn/zwgk/zfxxgknb/index.html"


@pytest.fixture(scope="module")
def corpus(shared_dir):
    return build_demo_web(seed_dir=shared_dir / "seeds")


# -- list dates: skip a known report whose list entry is unchanged --------------------------------

def _listed(**kwargs) -> tuple[DateidSpider, list]:
    spider = DateidSpider(sites=[one_site("dateid", [COLUMN], slug="mengjin")], **kwargs)
    start = next(spider.start_requests())
    return spider, list(spider.parse_column(response_for(start, "dateid_real_list.html")))


def test_known_reports_with_unchanged_list_dates_are_skipped_moved_or_unknown_dates_fetched():
    _, out = _listed()
    reports = [r for r in out if r.callback.__name__ == "parse_report"]
    a, b, c = reports[:3]
    known = {a.url: a.meta["list_date"], b.url: "2001-01-01", c.url: None}
    spider, again = _listed(known_urls=known)
    urls = [r.url for r in again if r is not None and r.callback.__name__ == "parse_report"]
    assert a.url not in urls  # same date: skipped
    assert b.url in urls and c.url in urls  # date moved (an edit) / never recorded: fetched
    assert len(urls) == len(reports) - 1


def test_known_urls_inputs():
    assert load_known_urls({"u": "2024-01-02", "v": None}) == {"u": "2024-01-02", "v": None}
    assert load_known_urls({"u", "v"}) == {"u": None, "v": None}
    assert load_known_urls("u,v") == {"u": None, "v": None}
    assert load_known_urls(None) == {}


def test_skips_are_counted_per_site():
    crawler = get_crawler(DateidSpider)
    spider = DateidSpider.from_crawler(crawler, sites=[one_site("dateid", [COLUMN], slug="mengjin")],
                                       known_urls={})
    start = next(spider.start_requests())
    out = list(spider.parse_column(response_for(start, "dateid_real_list.html")))
    first = next(r for r in out if r.callback.__name__ == "parse_report")
    spider.known_urls = {first.url: first.meta["list_date"]}
    assert spider.report_request(first.url, response_for(start, "dateid_real_list.html"), title="t",
                                 list_date=first.meta["list_date"]) is None
    assert crawler.stats.get_value("nianbao/site/mengjin/reports_skipped") == 1


def test_gbk_bytes_declared_utf8_are_read_as_gbk():
    text = '<html><head><meta charset="utf-8"></head><body><a href="/a.html">孟津区2023年政府信息公开工作年度报告</a></body></html>'
    response = HtmlResponse("http://x/list.html", body=text.encode("gbk"), request=Request("http://x/list.html"),
                            headers={"Content-Type": "text/html; charset=utf-8"})
    assert "政府信息公开工作年度报告" in response_text(response)
    spider = DateidSpider(sites=[one_site("dateid", [COLUMN], slug="mengjin")])
    assert spider.list_links(response)[0][1] == "孟津区2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("encoding", ["hz", "HZ-GB-2312", "gbk", "GB2312", "gb18030"])
def test_a_site_encoding_is_read_by_the_extractor_rule(encoding):
    """One decoding rule: a site's ``encoding`` means what crawler.extract.decode.codec_name says (hz is HZ,
    not gb18030; the GB names are gb18030)."""
    from crawler.extract.decode import codec_name

    title = "孟津区2023年政府信息公开工作年度报告"
    body = f'<html><body><a href="/a.html">{title}</a></body></html>'.encode(codec_name(encoding))
    response = HtmlResponse("http://x/list.html", body=body, request=Request("http://x/list.html"),
                            headers={"Content-Type": "text/html"})
    assert response_text(response, encoding) == body.decode(codec_name(encoding))
    assert (codec_name(encoding) == "gb18030") == (encoding.lower() in ("gbk", "gb2312", "gb18030"))
    spider = DateidSpider(sites=[one_site("dateid", [COLUMN], slug="mengjin", encoding=encoding)])
    response.meta["site"] = "mengjin"
    assert spider.list_links(response)[0][1] == title


# -- alarms and site_health ----------------------------------------------------------------

def test_alarm_rules():
    quiet = SiteResult("a", "dateid", reports_skipped=20, pages=4, requests=4)
    assert site_alarm(quiet, had_reports=True) is None  # nothing new is not an alarm
    emptied = SiteResult("a", "dateid", pages=4, requests=4)
    assert "none this run" in site_alarm(emptied, had_reports=True)
    assert site_alarm(emptied, had_reports=False) is None
    blocked = SiteResult("a", "dateid", errors={"waf_blocked": 4})
    assert "WAF" in site_alarm(blocked, had_reports=False)
    failing = SiteResult("a", "dateid", errors={"timeout": 2, "http_503": 1})
    assert "only errors" in site_alarm(failing, had_reports=True)
    assert site_alarm(SiteResult("a", "dateid"), had_reports=False) == "nothing fetched"
    some = SiteResult("a", "dateid", reports_seen=3, errors={"http_500": 2})
    assert site_alarm(some, had_reports=True) is None


def test_site_health_view(memory_db):
    db = memory_db
    db["sites"].insert_all([{"slug": "a", "name": "甲", "family": "dateid"},
                            {"slug": "b", "name": "乙", "family": "trs"},
                            {"slug": "c", "name": "丙", "family": "trs"}], pk="slug")
    db["crawl_runs"].insert_all([{"id": 1, "started": "2026-01-10T02:00:00", "finished": "x", "mode": "incremental"},
                                 {"id": 2, "started": "2026-01-11T02:00:00", "finished": "y", "mode": "incremental"}])
    rows = [{"run_id": 1, "site": "a", "reports_seen": 5, "errors": 0},
            {"run_id": 2, "site": "a", "reports_seen": 0, "errors": 0, "alarm": "yielded reports before"},
            {"run_id": 2, "site": "b", "reports_seen": 2, "errors": 3, "errors_json": json.dumps({"timeout": 3})}]
    db["crawl_sites"].insert_all(rows, pk=("run_id", "site"))
    install_site_health(db)
    install_site_health(db)  # idempotent
    health = {r["site"]: r for r in db.query("select * from site_health")}
    assert health["a"]["status"] == "alarm" and health["a"]["last_run_with_reports"] == 1
    assert health["a"]["alarms_total"] == 1 and health["a"]["run_id"] == 2
    assert health["b"]["status"] == "errors" and health["c"]["status"] == "never crawled"


# -- errors by kind ------------------------------------------------------------------------

def test_error_kinds():
    from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, ResponseDataLossError

    assert error_kind(DownloadTimeoutError()) == "timeout"
    assert error_kind(DownloadCancelledError("larger than download max size")) == "too_large"
    assert error_kind(ResponseDataLossError()) == "truncated"
    assert error_kind(ValueError()) == "ValueError"


def test_waf_challenges_and_redirect_loops_are_counted_by_site():
    crawler = get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 3})
    mw = SiteHealthMiddleware.from_crawler(crawler)
    req = Request("http://x/a.html", meta={"site": "s"})
    from scrapy.exceptions import IgnoreRequest

    with pytest.raises(IgnoreRequest):
        mw.process_response(req, HtmlResponse(req.url, status=412, body=b"<script>$_ts={}</script>"))
    loop = Request("http://x/a.html?loop=3", meta={"site": "s", "redirect_times": 3})
    mw.process_response(loop, HtmlResponse(loop.url, status=302, headers={"Location": "/a.html?loop=4"}))
    assert crawler.stats.get_value("nianbao/site/s/errors/waf_blocked") == 1
    assert crawler.stats.get_value("nianbao/site/s/errors/redirect_loop") == 1


# -- the fault-mode demo web ----------------------------------------------------------------

def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_fault_answers(corpus):
    site = corpus.site("yiyang")
    report = corpus.reports_of("yiyang")[-1].path
    column = site.columns[0].path
    plan = (FaultPlan()
            .add("yiyang", report, Fault("status", status=503, retry_after="7", times=1))
            .add("yiyang", "/a412", Fault("waf412")).add("yiyang", "/a521", Fault("waf521"))
            .add("yiyang", "/aliyun", Fault("waf_aliyun"))
            .add("yiyang", "/loop", Fault("redirect_loop")).add("yiyang", "/big", Fault("oversized", size=5000))
            .add("yiyang", column, Fault("empty_column")))
    with DemoWeb(corpus=corpus, faults=plan) as web:
        base = web.bases["yiyang"]
        status, headers, _ = _get(base + report)
        assert (status, headers["Retry-After"]) == (503, "7")
        status, headers, body = _get(base + report)  # times=1: the second answer is the page
        assert status == 200 and "ETag" in headers
        assert _get(base + report, {"If-None-Match": headers["ETag"]})[0] == 304
        for path, code in (("/a412", 412), ("/a521", 521), ("/aliyun", 200)):
            status, _, body = _get(base + path)
            assert status == code and is_waf_challenge(status, body)
        assert b"$_ts" in _get(base + "/a412")[2] and b"__jsl_clearance" in _get(base + "/a521")[2]
        conn = http.client.HTTPConnection(base.split("//")[1])
        conn.request("GET", "/loop?loop=4")
        r = conn.getresponse()
        assert (r.status, r.getheader("Location")) == (302, "/loop?loop=5")
        conn.close()
        assert len(_get(base + "/big")[2]) == 5000
        status, _, body = _get(base + column)
        assert status == 200 and "年度报告" not in body.decode()


def test_truncated_hang_and_gbk_faults(corpus):
    report = corpus.reports_of("yiyang")[-1].path
    plan = (FaultPlan().add("yiyang", report, Fault("truncated"))
            .add("yiyang", "/hang", Fault("hang", seconds=1.5))
            .add("yiyang", report + "?gbk", Fault("gbk_as_utf8")))
    with DemoWeb(corpus=corpus, faults=plan) as web:
        base = web.bases["yiyang"]
        with pytest.raises(http.client.IncompleteRead):
            _get(base + report)
        with pytest.raises(OSError):
            urllib.request.urlopen(base + "/hang", timeout=0.5)
        _, headers, body = _get(base + report + "?gbk")
        assert "charset=utf-8" in headers["Content-Type"]
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
        assert "年度报告" in body.decode("gbk")


def test_variant_without_changes_is_the_generated_site(shared_dir):
    from crawler.demo import catalog

    spec = next(s for s in catalog.SITES if s.slug == "jinshui")
    site, reports, *_ = build_site(spec, shared_dir / "seeds")
    same, same_reports, _ = build_variant(spec, shared_dir / "seeds")
    static = {k: v for k, v in site.pages.items() if not callable(v)}
    assert static == {k: v for k, v in same.pages.items() if not callable(v)}
    assert same_reports == reports


def test_mutations_add_reports_and_edit_one_keeping_every_url(shared_dir):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    before = {r.path: r for r in corpus.reports_of("yiyang")}
    pages_before = dict(corpus.site("yiyang").pages)
    new = add_reports(corpus, "yiyang", 3)
    edited = edit_report(corpus, "yiyang")
    after = {r.path: r for r in corpus.reports_of("yiyang")}
    assert len(new) == 3 and set(before) | {r.path for r in new} == set(after)
    assert all(r.published > max(b.published for b in before.values()) for r in new)
    assert edited.path in before and edited.published == "2026-11-20"
    assert edited.gold["cells"] != before[edited.path].gold["cells"]
    pages = corpus.site("yiyang").pages
    assert pages[edited.path].body != pages_before[edited.path].body
    unchanged = [p for p in before if p != edited.path]
    assert all(pages[p] == pages_before[p] for p in unchanged)
    first_page = pages[corpus.site("yiyang").columns[0].path].body.decode()
    assert edited.path in first_page and "2026-11-20" in first_page


# -- CLI and polite settings ---------------------------------------------------------------

def test_crawl_cli_options():
    from click.testing import CliRunner

    from crawler.cli.main import main

    out = CliRunner().invoke(main, ["crawl", "--help"]).output
    for option in ("--full", "--user-agent", "--alarm-exit / --no-alarm-exit", "-s, --set"):
        assert option in out


def test_polite_defaults():
    from scrapy.settings import Settings

    s = Settings()
    s.setmodule("crawler.settings")
    assert s.getbool("ROBOTSTXT_OBEY") and s.getbool("AUTOTHROTTLE_ENABLED")
    assert 1 <= s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2 and s.getfloat("DOWNLOAD_DELAY") >= 1
    assert s.getint("DOWNLOAD_TIMEOUT") <= 120 and 0 < s.getint("DOWNLOAD_MAXSIZE") <= 100 * 2**20
    assert "nianbao" in s["USER_AGENT"] and s["NIANBAO_CONTACT_URL"] in s["USER_AGENT"]
    assert "crawler.crawl.incremental.ListDatePipeline" in s.getdict("ITEM_PIPELINES")


def test_result_fields_are_recorded():
    r = SiteResult("a", "dateid")
    assert SimpleNamespace(**r.__dict__).close_reason is None and r.reports_skipped == 0


def test_operations_doc_covers_the_crawl_options_and_error_kinds():
    from pathlib import Path

    from crawler.cli.main import crawl
    from crawler.demo.faults import ERROR_KIND

    doc = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    for param in crawl.params:
        if param.name not in ("db", "registry", "only", "redis_url"):
            assert any(opt in doc for opt in param.opts), param.opts
    for kind in {k for k in ERROR_KIND.values() if k} | {"http_500", "http_503"}:
        assert f"`{kind}`" in doc, kind
    for column in ("errors_json", "close_reason", "reports_skipped", "site_health", "mode"):
        assert column in doc


def test_attachment_reports_are_known_by_the_listed_page(tmp_path):
    from crawler.archive.documents import DocumentStore
    from crawler.crawl.incremental import ListDatePipeline, known_reports
    from crawler.spiders.items import ReportItem

    db_path = tmp_path / "archive.db"
    store = DocumentStore(db_path)
    store.db["reports"].insert_all([{"url": "http://x/a/report.pdf", "site": "s"},
                                    {"url": "http://x/b.html", "site": "s"}])
    pipeline = ListDatePipeline(store)
    pdf = ReportItem(site="s", url="http://x/a/report.pdf", title="t", list_date="2025-01-20", body_level=None,
                     column=None)
    pdf.list_url = "http://x/a.html"  # what ReportSpider.report_item sets on an attachment's item
    page = ReportItem(site="s", url="http://x/b.html", title="t", list_date="2025-01-21", body_level=None,
                      column=None)
    failed = ReportItem(site="s", url="http://x/b.html", title="t", list_date="2025-02-01", body_level=None,
                        column=None)
    for item, outcome in ((pdf, "new"), (page, "unchanged"), (failed, "errors/extract")):
        item.outcome = outcome  # set by ReportPipeline, which runs first
        pipeline.process_item(item)
    store.close()
    # The failed re-read did not move b.html's list date: the next crawl fetches it again.
    assert known_reports(db_path) == {"http://x/a/report.pdf": "2025-01-20", "http://x/a.html": "2025-01-20",
                                      "http://x/b.html": "2025-01-21"}


def test_attachment_requests_carry_the_listed_page():
    spider, out = _listed()
    report = next(r for r in out if r is not None and r.callback.__name__ == "parse_report")
    assert report.meta["list_url"] == report.url
    page = HtmlResponse(report.url, request=report, body='<html><body><a href="/f/r.pdf">附件</a></body></html>'.encode(),
                        headers={"Content-Type": "text/html; charset=utf-8"})
    item, attachment = list(spider.parse_report(page))
    assert attachment.meta["list_url"] == report.url and item.list_url == report.url


def test_run_status():
    from crawler.crawl.runs import run_status

    ok = SiteResult("a", "dateid", close_reason="finished")
    assert run_status([ok]) == "ok"
    assert run_status([ok, SiteResult("b", "trs", close_reason="shutdown")]) == "interrupted"
    assert run_status([SiteResult("b", "trs", close_reason="shutdown", alarm="x")]) == "alarm"


def test_crawl_lock_makes_the_archive_folder(tmp_path):
    """`--db new/folder/archive.db`: the folder is made, not a FileNotFoundError."""
    from crawler.crawl.runs import crawl_lock

    db = tmp_path / "new" / "folder" / "archive.db"
    with crawl_lock(db):
        assert (tmp_path / "new" / "folder" / "archive.db.lock").exists()


def test_a_site_that_now_answers_only_soft_404s_alarms():
    """Pages read but carrying no report are not reports yielded: a column turned into stubs is an alarm."""
    stubs = SiteResult("mengjin", "dateid", reports_seen=12, not_a_report=12, pages=14, requests=14)
    assert site_alarm(stubs, had_reports=True) == "yielded reports before, none this run (report column emptied or moved?)"
    some = SiteResult("mengjin", "dateid", reports_seen=12, not_a_report=11, pages=14, requests=14)
    assert site_alarm(some, had_reports=True) is None
