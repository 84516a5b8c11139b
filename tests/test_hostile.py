"""Hostile input, piece by piece: compression bombs read back, redirects off the web, extractor bombs, soft-404s.

Each bomb comes from crawler/demo/bombs.py; every assertion is on the
outcome (the error and its reason, what was stored), never on time:
pytest-timeout bounds the tests instead.
"""

from __future__ import annotations

import asyncio
import gzip
import zlib

import brotli
import pytest

from crawler.archive.content_encoding import decode_body
from crawler.archive.documents import DocumentStore
from crawler.crawl.guards import redirect_kind
from crawler.demo import bombs
from crawler.demo.faults import _not_there
from crawler.demo.model import DemoSite
from crawler.exceptions import ExtractError, PayloadTooLarge
from crawler.extract import extract_bytes
from crawler.extract.bounded import Document, ExtractorPool, Limits, extract_bounded
from crawler.extract.substance import carries_report

MB = 2**20


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return bombs.gzip_bomb(1024 * MB)  # 1 GB of zeros in ~1 MB


# -- Content-Encoding, capped ----------------------------------------------------------

def test_decode_body_undoes_each_encoding():
    page = "<p>主动公开</p>".encode() * 1000
    assert decode_body(gzip.compress(page), "gzip") == page
    assert decode_body(zlib.compress(page), "deflate") == page
    assert decode_body(zlib.compress(page)[2:-4], "deflate") == page  # raw deflate
    assert decode_body(brotli.compress(page), "br") == page
    assert decode_body(gzip.compress(brotli.compress(page)), "br, gzip") == page
    assert decode_body(page, None) == page
    assert decode_body(b"not gzip at all", "gzip") == b"not gzip at all"  # a lying header: stored bytes


@pytest.mark.timeout(60)
def test_decode_body_stops_a_bomb_at_the_cap(bomb):
    with pytest.raises(PayloadTooLarge, match="more than 50 MB"):
        decode_body(bomb, "gzip", name="bomb", max_bytes=50 * MB)
    with pytest.raises(PayloadTooLarge):
        decode_body(brotli.compress(b"\0" * (20 * MB)), "br", max_bytes=5 * MB)


def _archive_bomb(tmp_path, bomb: bytes) -> tuple[DocumentStore, int]:
    store = DocumentStore(tmp_path / "archive.db", fsync=False)
    doc = store.record_exchange(
        url="http://bomb.test/nb.html", site="hostile", method="GET", request_headers=[], request_body=b"",
        status=200, response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"), ("ETag", '"b"')],
        payload=bomb, metadata={})
    return store, doc["id"]


@pytest.mark.timeout(60)
def test_archived_bomb_is_never_inflated_when_read_back(tmp_path, bomb):
    from crawler.archive.warc import read_payload

    store, doc_id = _archive_bomb(tmp_path, bomb)
    with pytest.raises(PayloadTooLarge):
        store.payload(doc_id)
    with pytest.raises(PayloadTooLarge):
        read_payload(tmp_path / "archive.db", doc_id)
    store.warc.close()
    small = gzip.compress(b"<p>ok</p>")
    assert decode_body(small, "gzip") == b"<p>ok</p>"


@pytest.mark.timeout(60)
def test_original_raw_refuses_a_bomb(tmp_path, bomb):
    from crawler.publish.serve import make_datasette

    store, doc_id = _archive_bomb(tmp_path, bomb)
    store.warc.close()
    ds = make_datasette(tmp_path / "archive.db")
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ds.invoke_startup())
        response = loop.run_until_complete(ds.client.get(f"/-/original/{doc_id}/raw"))
    finally:
        loop.close()
    assert response.status_code == 413
    assert "解压后超过下载上限" in response.text


# -- redirects ---------------------------------------------------------------------------

@pytest.mark.parametrize(("target", "kind"), [
    ("http://127.0.0.11:8000/nb/a.html", "redirect_self"),
    ("http://127.0.0.11:8000/nb/a.html#top", "redirect_self"),
    ("file:///etc/passwd", "redirect_scheme"),
    ("ftp://127.0.0.11/x", "redirect_scheme"),
    ("http://localhost:8000/", "redirect_private"),
    ("http://169.254.169.254/latest/meta-data/", "redirect_private"),
    ("http://10.0.0.5/admin", "redirect_private"),
    ("http://[::1]/", "redirect_private"),
    ("http://127.0.0.11:8000/nb/b.html", None),  # the same loopback host (the demo web)
    ("http://zwgk.demo.test/nb/b.html", None),
])
def test_redirect_kinds(target, kind):
    assert redirect_kind("http://127.0.0.11:8000/nb/a.html", target, {"127.0.0.11"}) == kind


def test_redirect_from_public_site_to_private_address_is_refused():
    assert redirect_kind("https://www.example.gov.cn/a", "http://192.168.1.1/", {"www.example.gov.cn"}) == (
        "redirect_private")
    assert redirect_kind("https://www.example.gov.cn/a", "https://zwgk.example.gov.cn/b", set()) is None


# -- soft-404s and stubs -------------------------------------------------------------------

SITE = DemoSite("h", "某某区人民政府", "410000", "district", "generic")


@pytest.mark.parametrize("kind", ["soft_404", "stub"])
def test_soft_404_and_stub_read_as_report_but_carry_none(kind):
    report = extract_bytes(_not_there(SITE, f"/nb/{kind}.html", kind), url=f"http://h.test/nb/{kind}.html")
    assert report.template is not None  # the title alone makes it look like one
    assert not carries_report(report)


def test_real_reports_carry_themselves(seed_path, shared_dir):
    seed = extract_bytes(seed_path.read_bytes(), filename=seed_path.name)
    assert seed.cells and carries_report(seed)


def test_prose_report_without_tables_carries_itself():
    text = ("某某区2015年政府信息公开工作年度报告\n一、概述\n" + "本年度我区认真贯彻落实《条例》，" * 20
            + "\n二、主动公开政府信息情况\n全年主动公开政府信息1234条。\n三、依申请公开政府信息情况\n收到申请12件。\n"
            "四、政府信息公开的收费及减免情况\n未收取任何费用。\n五、因政府信息公开申请行政复议、提起行政诉讼的情况\n无。\n"
            "六、存在的主要问题及改进措施\n" + "进一步加强队伍建设，" * 10)
    report = extract_bytes(text.encode(), filename="2015.txt")
    assert report.template == "legacy" and carries_report(report)


# -- extractor bombs -------------------------------------------------------------------------

@pytest.mark.timeout(120)
def test_huge_pdf_page_is_refused_before_rendering():
    data = bombs.huge_page_pdf()
    assert len(data) == 418
    with pytest.raises(ExtractError, match=r"bomb\.pdf: page 1 is 14400 x 14400 pt"):
        extract_bounded(data, filename="bomb.pdf")


@pytest.mark.timeout(120)
def test_many_cells_xlsx_is_refused_before_parsing():
    data = bombs.many_cells_xlsx(rows=500, cols=500)  # 250,000 cells
    with pytest.raises(ExtractError, match=r"cells\.xlsx: xl/worksheets/sheet1\.xml holds more than 200,000 cells"):
        extract_bounded(data, filename="cells.xlsx")


@pytest.mark.timeout(120)
def test_big_xml_docx_is_refused_before_parsing():
    data = bombs.big_xml_docx(20 * MB)
    with pytest.raises(ExtractError, match=r"xml\.docx: part word/document\.xml is 20 MB of XML"):
        extract_bounded(data, filename="xml.docx")


@pytest.mark.timeout(120)
def test_nested_tables_are_refused_before_parsing():
    with pytest.raises(ExtractError, match=r"nested\.html: 20,000 tables, more than a page holds"):
        extract_bytes(bombs.nested_tables_html(20_000), filename="nested.html")


@pytest.mark.timeout(120)
def test_nested_tables_are_walked_in_linear_time():
    from crawler.extract.htmldoc import html_document

    body, page = html_document(bombs.nested_tables_html(20_000).decode())  # minutes when quadratic
    assert [line.cells for line in body.lines] == [["主动公开 1"]]
    report = extract_bytes(bombs.nested_tables_html(4_000), filename="nested.html")  # under the cap: read
    assert report.title == "2023年政府信息公开工作年度报告"
    assert not carries_report(report)


@pytest.mark.timeout(120)
def test_pool_stops_a_document_past_its_bounds_and_goes_on():
    good = _not_there(SITE, "/nb/x.html", "stub")
    slow = b"<html><body>" + b"<div><span>" * 40_000 + b"x" + b"</span></div>" * 40_000 + b"</body></html>"
    fat = bombs.big_xml_docx(12 * MB)  # under the part cap: parsed, some hundreds of MB
    with ExtractorPool(Limits(seconds=0.3, memory_bytes=1024 * MB)) as pool:
        out = list(pool.map([Document(slow, "slow.html"), Document(good, "good.html")]))
        assert isinstance(out[0], ExtractError) and "slow.html: took longer than 0.3 s" in str(out[0])
        assert not isinstance(out[1], ExtractError) and out[1].title
        assert pool.counts == {"timeout": 1}
    with ExtractorPool(Limits(seconds=60, memory_bytes=150 * MB)) as pool:
        with pytest.raises(ExtractError, match=r"fat\.docx: used more than 150 MB of memory"):
            pool.extract(fat, filename="fat.docx")
        assert pool.extract(good, filename="good.html").title  # a fresh worker took the killed one's place
        assert pool.counts == {"memory": 1}


def test_pool_replaces_a_worker_a_document_left_large():
    """A worker holding more than recycle_bytes after a document is stopped; the next document gets a fresh one."""
    good = _not_there(SITE, "/nb/x.html", "stub")
    with ExtractorPool(Limits(recycle_bytes=1)) as pool:  # every worker is "large" after its document
        assert pool.extract(good, filename="a.html").title and pool.extract(good, filename="b.html").title
        assert pool.counts == {"recycled": 2} and not pool._idle
    with ExtractorPool(Limits()) as pool:  # an HTML page leaves a worker small: it is kept
        pool.extract(good, filename="a.html")
        assert pool.counts == {} and len(pool._idle) == 1


def test_ingest_refuses_a_file_over_the_cap(tmp_path, monkeypatch):
    from crawler.record import ingest

    big = tmp_path / "big.txt"
    bombs.big_text_file(big, 3 * MB)
    monkeypatch.setattr(ingest, "MAX_INGEST_BYTES", 2 * MB)
    [result] = ingest.ingest_paths(tmp_path / "archive.db", [big])
    assert result.error == "3 MB, more than the 2 MB a report file may be"
    assert not result.status


# -- the alarm ------------------------------------------------------------------------------

def test_hostile_answers_alarm_even_beside_reports():
    from crawler.crawl.health import site_alarm
    from crawler.crawl.runner import SiteResult

    bombed = SiteResult("a", "generic", reports_seen=3, hostile=1, errors={"too_large": 1})
    assert "hostile" in site_alarm(bombed, had_reports=True)
    oversized = SiteResult("a", "generic", reports_seen=3, errors={"too_large": 1})  # a big file, not a bomb
    assert site_alarm(oversized, had_reports=True) is None
