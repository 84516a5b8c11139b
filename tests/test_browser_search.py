"""Search, Excel download and feeds in a real browser (Debian's Chromium through Playwright).

Uses conftest.py's server, browser and page fixtures (one Datasette
subprocess on the fixture archive, as test_browser_datasette; no request may leave 127.0.0.1,
no JavaScript error). The feed test serves its own copy of the archive, read
before and after a second crawl writes to it.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from crawler.publish.fixtures import build_fixture_db
from tests.helpers import col, second_crawl, served_datasette, shot

pytestmark = pytest.mark.slow


def _search_from_home(page, base_url, query: str) -> None:
    page.goto(base_url + "/")
    page.fill("#nianbao-search-q", query)
    page.locator("form.nianbao-search input[type=submit]").click()
    page.wait_for_url(lambda url: "词=" in unquote(url))


def test_search_two_characters_from_home_with_snippets(page, base_url):
    _search_from_home(page, base_url, "复议")
    assert sorted(int(x) for x in page.locator(col("报告编号")).all_inner_texts()) == [4, 5, 8]
    marks = page.locator(col("摘要") + " mark").all_inner_texts()
    assert marks and set(marks) == {"复议"}
    assert "select" not in page.locator("section.content").inner_text().lower()
    assert "select" not in page.title().lower()


def test_search_two_words_with_snippets(page, base_url):
    _search_from_home(page, base_url, "复议 纠正")
    assert page.locator(col("报告编号")).all_inner_texts() == ["5"]
    snippet = page.locator(col("摘要")).first
    assert snippet.inner_text() == "本年度行政复议三件，纠正一件。"
    assert snippet.locator("mark").all_inner_texts() == ["复议", "纠正"]
    shot(page, "search-snippets")


def test_list_search_box_two_characters(page, base_url):
    page.goto(base_url + "/archive/" + quote("报告一览"))
    page.fill("input[name='_search']", "复议 纠正")
    page.locator("input[name='_search']").press("Enter")
    page.wait_for_url(lambda url: "_search=" in url)
    assert page.locator(col("报告编号")).all_inner_texts() == ["5"]
    assert "CREATE VIEW" not in page.content().upper()


def test_download_a_year_for_excel(page, base_url):
    page.goto(base_url + "/archive/" + quote("报告一览") + "?" + quote("年度") + "=2023")
    with page.expect_download() as info:
        page.locator("p.export-links a", has_text="Excel 表格").first.click()
    download = info.value
    assert download.suggested_filename == "报告一览-年度2023.csv"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["报告编号", "标题", "机关", "省"]
    assert len(lines) - 1 == 7
    assert lines[1].split(",")[header.index("存档原件")].startswith(base_url + "/-/original/")


def test_subscribe_and_read_a_new_finding_after_a_second_crawl(browser, tmp_path):
    """One Datasette for both nights: the archive is served read-only but live, so the second crawl's
    finding is in the feed with no restart."""
    db = build_fixture_db(tmp_path / "archive.db")
    feed_path = "/archive/" + quote("订阅新发现") + "?" + quote("地区") + "=" + quote("孟津区") + \
        "&" + quote("类型") + "=2"
    with served_datasette(db) as url:
        context = browser.new_context(locale="zh-CN")
        pg = context.new_page()
        outside: list[str] = []
        pg.on("request", lambda r, seen=outside: r.url.startswith(("http://127.0.0.1", "data:", "about:"))
              or seen.append(r.url))
        pg.goto(url + feed_path)
        href = pg.locator("p.export-links a", has_text="订阅（Atom）").first.get_attribute("href")
        assert ".atom?" in href
        for night in (1, 2):
            if night == 2:
                second_crawl(db)
            feed = pg.request.get(url + href)
            assert feed.status == 200 and feed.headers["content-type"].startswith("application/xml")
            xml = feed.text()
            if night == 1:
                assert "暂无条目" in xml and "违反规则2" not in xml
            else:
                assert "洛阳市孟津区人民政府 2019年报告：违反规则2" in xml
        assert outside == []
        context.close()
