"""One search for every box: terms of any length, several words, phrases, snippets; bounded queries.

The query grammar (crawler.publish.search) on its own, then through the fixture
archive served in-process exactly as `nianbao serve` serves it.
"""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from urllib.parse import urlencode

import pytest
from datasette.utils import tilde_encode

from crawler.publish import search
from crawler.publish.fixtures import build_fixture_db
from crawler.publish.serve import make_datasette, metadata_path, serve_command_args
from tests.helpers import datasette_client


def test_terms_words_and_phrases():
    assert search.terms('复议  诉讼\u3000"行政 复议" “公开”') == ["行政 复议", "公开", "复议", "诉讼"]
    assert search.terms("   ") == []
    assert search.long_match("复议 行政复议 纠正") == '"行政复议"'
    assert search.short_match("复议 行政复议 纠正") == '"复议" AND "纠正"'
    assert search.short_match('a"') == '"a"'


def test_snippet_is_the_sentence_with_the_most_terms():
    text = "本年度无事。本年度发生行政复议案件3件，行政诉讼2件。其他。"
    s = search.sentence_snippet(text, "标题", "复议 诉讼")
    m0, m1 = search.MARK_START, search.MARK_END
    assert s == f"本年度发生行政{m0}复议{m1}案件3件，行政{m0}诉讼{m1}2件。"
    assert search.sentence_snippet(text, "孟津区报告", "孟津") == f"{m0}孟津{m1}区报告"
    assert search.sentence_snippet(text, "t", "不存在") is None


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with datasette_client(build_fixture_db(tmp_path_factory.mktemp("search") / "archive.db")) as get:
        yield get


def rows(get, name: str, **params) -> list[dict]:
    r = get(f"/archive/{tilde_encode(name)}.json", _shape="objects", **params)
    assert r.status_code == 200, r.text
    return r.json()["rows"]


@pytest.mark.parametrize(("query", "expected"), [
    ("复议", [8, 5, 4]),
    ("复议 纠正", [5]),  # two two-character words: both must occur
    ("行政复议 维持", [4]),  # a long and a short word
    ('"行政复议三件"', [5]),  # a phrase
    ("复议 诉讼", []),
    ("，", []),
])
def test_search_page_any_terms(client, query, expected):
    assert [r["报告编号"] for r in rows(client, "全文检索", 词=query)] == expected


def test_search_page_snippets(client):
    found = {r["报告编号"]: r["摘要"] for r in rows(client, "全文检索", 词="复议 纠正")}
    assert found == {5: f"本年度行政{search.MARK_START}复议{search.MARK_END}三件，"
                        f"{search.MARK_START}纠正{search.MARK_END}一件。"}
    html = client("/archive/" + tilde_encode("全文检索"), 词="复议 纠正").text
    assert "本年度行政<mark>复议</mark>三件，<mark>纠正</mark>一件。" in html


@pytest.mark.parametrize("name", ["报告一览", "不一致的报告", "依申请公开（2021版）"])
def test_every_list_searches_short_terms(client, name):
    found = {r["报告编号"] for r in rows(client, name, _search="复议 纠正")}
    every = {r["报告编号"] for r in rows(client, name, _size="max")}
    assert found == ({5} & every)
    assert {r["报告编号"] for r in rows(client, name, _search="复议")} == ({8, 5, 4} & every)


def test_raw_reports_table_search(client):
    r = client("/archive/reports.json", _search="复议", _shape="objects", _col="id")
    assert sorted(x["id"] for x in r.json()["rows"]) == [4, 5, 8]


def test_list_page_shows_no_sql(client):
    html = client("/archive/" + tilde_encode("报告一览"), _search="复议").text
    assert "CREATE VIEW" not in html.upper()
    assert 'name="_search"' in html
    assert "全文含「复议」" in html
    assert "CREATE TABLE" not in client("/archive/reports").text.upper()


def test_huge_value_is_refused(client):
    r = client("/archive.json", sql="select length(hex(zeroblob(400000000)))")
    assert r.status_code == 400
    assert "too big" in r.json()["error"]
    r = client("/archive.json", sql="select length(hex(zeroblob(1000)))")
    assert r.json()["rows"] == [[2000]]


def test_metadata_goes_to_a_private_fresh_directory(tmp_path):
    a, b = metadata_path(tmp_path / "archive.db"), metadata_path(tmp_path / "archive.db")
    assert a.parent != b.parent
    assert stat.S_IMODE(a.parent.stat().st_mode) == 0o700
    args = serve_command_args(tmp_path / "x.db")
    meta = Path(args[args.index("--metadata") + 1])
    assert meta.exists() and stat.S_IMODE(meta.parent.stat().st_mode) == 0o700
    for p in (a.parent, b.parent, meta.parent):
        for f in p.iterdir():
            f.unlink()
        p.rmdir()


# --- .excel: files Excel opens with Chinese headers -------------------------------------------

def _download(client, path: str, **params):
    r = client(path, **params)
    assert r.status_code == 200, r.text
    return r, r.content.decode("utf-8")


def test_excel_download_of_a_filtered_view(client):
    r, body = _download(client, "/archive/" + tilde_encode("报告一览") + ".excel", 年度="2023")
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    from urllib.parse import quote
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"nianbao.csv\"; filename*=UTF-8''" + quote("报告一览-年度2023.csv", safe=""))
    lines = body.lstrip("\ufeff").splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["报告编号", "标题", "机关"]
    assert len(lines) - 1 == 7  # every 2023 report, not one page
    original = header.index("存档原件")
    assert lines[1].split(",")[original].startswith("http://localhost/-/original/")


def test_excel_download_follows_every_page(client):
    _, body = _download(client, "/archive/cells.excel", _size="5")
    n = rows(client, "cells", _size="max", _col="key")
    assert len(body.splitlines()) - 1 == len(n) > 5


def test_excel_download_of_a_question_marks_hits(client):
    _, body = _download(client, "/archive/" + tilde_encode("全文检索") + ".excel", 词="复议 纠正")
    assert "本年度行政【复议】三件，【纠正】一件。" in body
    assert body.lstrip("\ufeff").startswith("报告编号,标题,机关")


def test_question_page_shows_no_sql(client):
    html = client("/archive/" + tilde_encode("全文检索"), 词="复议").text
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "select" not in title.lower()
    assert "Edit SQL" not in html and "nianbao_long_match" not in html


def test_padding_that_the_time_limit_cannot_stop_is_refused(client):
    r = client("/archive.json", sql="select length(printf('%.*c', 1000000000, 'x'))")
    assert r.status_code == 400
    assert "not authorized" in r.json()["error"]


def test_excel_download_of_a_question_says_when_rows_were_cut(db_path):
    """A question answers at most max_returned_rows rows: the file says so in its last line."""
    ds = make_datasette(build_fixture_db(db_path))
    ds._settings["max_returned_rows"] = ds.max_returned_rows = 2
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ds.invoke_startup())
        r = loop.run_until_complete(ds.client.get(
            "/archive/" + tilde_encode("全文检索") + ".excel?" + urlencode({"词": "复议"})))
    finally:
        loop.close()
    lines = r.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 2 + 1  # header, two rows, the notice
    assert lines[-1] == "……只导出了前 2 行（每个问题最多返回这么多行）；请加条件缩小范围分批下载"


def test_serving_removes_its_private_metadata_folder(db_path, monkeypatch):
    """The metadata lives in a 0700 folder while Datasette runs, and goes with it."""
    from crawler.publish import serve

    seen = {}

    def fake_serve(args: list[str]) -> int:
        meta = Path(args[args.index("--metadata") + 1])
        seen["meta"], seen["mode"] = meta, stat.S_IMODE(meta.parent.stat().st_mode)
        return 0

    monkeypatch.setattr(serve, "_serve", fake_serve)
    assert serve.run_datasette(db_path) == 0
    assert seen["mode"] == 0o700 and seen["meta"].name == "metadata-archive.yml"
    assert not seen["meta"].parent.exists()
