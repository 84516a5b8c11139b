"""A reporter's day in a real browser, on the crawled demo archive: everything reached by clicking from home.

The run's one demo crawl (`python -m crawler demo --no-serve`: conftest.py's
`demo_archive`, copied), one `datasette serve` for the module and the
module's Chromium (Debian's, through Playwright). Every page
must load without a JavaScript error and without a request leaving
127.0.0.1. NIANBAO_SCREENSHOTS=docs/screenshots refreshes the README's
pictures of the report page and the map; NIANBAO_DEMO_DB=path reuses an archive
`python -m crawler demo --no-serve --db path` crawled before (the crawl takes minutes).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
import sqlite_utils
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from crawler import schema
from crawler.derive.bodies import body_name, load_aliases
from tests.helpers import col, served_datasette, shot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archive(request):
    """A copy of the run's crawled demo archive ($NIANBAO_DEMO_DB: one crawled before, reused)."""
    if os.environ.get("NIANBAO_DEMO_DB"):
        return Path(os.environ["NIANBAO_DEMO_DB"])
    return request.getfixturevalue("demo_archive_copy")


@pytest.fixture(scope="module")
def db(archive):
    return sqlite_utils.Database(archive)


@pytest.fixture(scope="module")
def base_url(archive, tmp_path_factory):
    with served_datasette(archive, tmp_path_factory.getbasetemp() / "datasette-reporter.log") as url:
        yield url


@pytest.fixture
def page(page, base_url):
    """conftest.py's page (no request may leave the machine, no JavaScript error), opened at home."""
    page.goto(base_url + "/")
    return page


def _cell(db, report_id: int, key: str) -> int:
    return int(db.execute("select value from cells where report_id = ? and key = ?", [report_id, key]).fetchone()[0])


def _open_mengjin_government_2023(page) -> int:
    """Home → 报告一览 → 区县 孟津区 → 主体层级 政府 → the 2023 report; returns its id."""
    page.get_by_role("link", name="报告一览").first.click()
    page.locator(".facet-info[data-column='区县'] a", has_text="孟津区").click()
    page.wait_for_url(lambda url: "区县=孟津区" in unquote(url))
    page.locator(".facet-info[data-column='主体层级'] a", has_text="政府").click()
    page.wait_for_url(lambda url: "主体层级=政府" in unquote(url))
    row = page.locator("table.rows-and-columns tbody tr", has=page.locator(col("年度"), has_text="2023"))
    report_id = int(row.locator(col("报告编号")).inner_text())
    row.locator(col("报告编号") + " a").click()
    page.wait_for_url(f"**/-/report/{report_id}")
    return report_id


def test_find_a_body_report_and_a_figure(page, db):
    report_id = _open_mengjin_government_2023(page)
    assert page.locator("h1.report-title").inner_text() == "洛阳市孟津区人民政府2023年政府信息公开工作年度报告"
    facts = page.locator("dl.report-facts").inner_text()
    assert "孟津县人民政府（2018、2019、2020 年）" in facts  # its other name, with the years printed under it
    assert "河南省 · 洛阳市 · 孟津区" in facts and "法定期限 2024-03-31" in facts
    key = "requests.new_received.total"
    figure = page.locator(f"td[data-key='{key}']")
    assert figure.inner_text() == str(_cell(db, report_id, key))
    header = page.locator("table[data-part='requests'] thead").inner_text()
    assert "自然人" in header and "总计" in header
    assert "new_received" not in page.locator("section.content").inner_text()
    assert not page.locator("details.report-text").evaluate("d => d.open")  # the full text is folded away
    shot(page, "report")


def test_follow_a_number_to_its_place_in_the_original(page, db):
    report_id = _open_mengjin_government_2023(page)
    key, value = db.execute(  # its largest figure (tables 二 and 三): one worth finding
        "select key, cast(value as integer) from cells where report_id = ? and key not like 'appeals.%' "
        "order by value desc, key limit 1", [report_id]).fetchone()
    assert value > 0
    part, row_key, column = schema.split_key(key)
    label = f"{schema.row_label(part, row_key)}·{schema.column_label(part, column)}"
    page.locator(f"td[data-key='{key}'] a").click()
    page.wait_for_url(f"**/-/report/{report_id}/cell/{key}")
    assert page.locator("h1").inner_text() == label.replace("·", " · ")
    assert page.locator(".cell-value").inner_text() == str(value)
    page.locator("a.see-original").click()
    page.wait_for_url(f"**/-/report/{report_id}/cell/{key}/original")
    assert f"标出的就是「{label}」" in page.locator(".marked-note").inner_text()
    mark = page.frame_locator("iframe.original-frame").locator("#nianbao-mark")
    mark.wait_for()
    assert mark.inner_text().strip() == str(value)
    row = mark.locator("xpath=ancestor::tr[1]").inner_text()
    short = schema.row_label(part, row_key).split("、")[-1].split("）")[-1][:4]
    assert short in row  # the marked figure is in the printed row of that label
    frame = page.locator("iframe.original-frame").bounding_box()
    box = mark.bounding_box()
    assert frame and box and frame["y"] <= box["y"] <= frame["y"] + frame["height"]  # scrolled into view
    assert "background" in (mark.get_attribute("style") or "")
    shot(page, "original-marked")


def test_list_reports_breaking_a_rule(page, db):
    page.get_by_role("link", name="不一致的报告").first.click()
    page.locator(".facet-info[data-column='规则'] a", has_text="复议诉讼总计等于各结果之和").click()
    page.wait_for_url(lambda url: "规则=复议诉讼总计等于各结果之和" in unquote(url))
    rules = set(page.locator(col("规则")).all_inner_texts())
    assert rules == {"复议诉讼总计等于各结果之和"}
    expected = db.execute("select count(*) from findings where rule = '4'").fetchone()[0]
    assert page.locator("table.rows-and-columns tbody tr").count() == expected
    # the column menu, in Chinese (table.js builds it once the page has loaded): largest difference first
    page.wait_for_function("() => (document.querySelector('.dropdown-menu a.dropdown-sort-desc') || {})"
                           ".textContent === '从大到小排序'")
    sort_desc = page.locator(".dropdown-menu a", has_text="从大到小排序")
    for _ in range(5):  # a click before table.js listens is lost; a click on an open menu closes it
        if sort_desc.is_visible():
            break
        page.locator("th[data-column='差额'] svg").click()
        try:
            sort_desc.wait_for(state="visible", timeout=3000)
        except PlaywrightTimeout:
            continue
    if sort_desc.is_visible():
        sort_desc.click()
    else:  # table.js sometimes misses every click on a loaded machine: follow the menu's own link
        page.goto(urljoin(page.url, sort_desc.get_attribute("href")))
    page.wait_for_url(lambda url: "_sort_desc=差额" in unquote(url))
    assert "按 差额 从大到小排序" in page.locator("h3").first.inner_text()
    diffs = [int(t) for t in page.locator(col("差额")).all_inner_texts()]
    assert diffs == sorted(diffs, reverse=True)
    page.locator(col("报告编号") + " a").first.click()
    page.wait_for_url("**/-/report/*")
    broken = page.locator("table[data-part='appeals'] td.broken").first
    assert "复议诉讼总计等于各结果之和" in broken.get_attribute("title")
    assert "应为" in broken.get_attribute("title") and "实为" in page.locator("#findings + ul").inner_text()


def test_bodies_with_no_report_for_a_year_really_have_none(page, db):
    form = page.locator("form.question", has=page.get_by_role("link", name="某年没有报告的机关"))
    form.locator("select[name='年度']").select_option("2019")
    form.locator("input[type=submit]").click()
    page.wait_for_url(lambda url: "年度=2019" in unquote(url))
    names = page.locator(col("机关")).all_inner_texts()
    ids = [int(t) for t in page.locator(col("机关编号")).all_inner_texts()]
    assert names and len(ids) == len(names)
    agreed = db.execute("select count(*) from cross_findings where kind = 'missing' and year = 2019 "
                        "and resolved_at is null").fetchone()[0]
    assert len(ids) == agreed  # the question and 未发布 list the same bodies
    aliases = load_aliases()
    for body_id in ids:
        body = db["bodies"].get(body_id)
        printed = list(json.loads(body["aliases"]))
        assert db.execute("select count(*) from reports where body_id = ? and year = 2019", [body_id]
                          ).fetchone()[0] == 0
        # under any name: no 2019 report of its site resolves to this body, and none prints one of its names
        for r in db.query("select agency, body_level from reports where site = ? and year = 2019 and agency is not null",
                          [body["site"]]):
            assert r["agency"] not in printed
            assert body_name(r["agency"], r["body_level"], 2019, body["site"], aliases) != body["name"]
    # 宜阳县农业局 printed 2018, 宜阳县农业农村局 2019: one body, never listed as missing for 2019
    assert not any("农业" in n for n in names)
    assert all(page.locator(col("省")).all_inner_texts())


def test_map_district_reports(page, db):
    page.get_by_role("link", name="地图").first.click()
    page.locator(".leaflet-marker-icon").first.wait_for(timeout=20000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile')].some(t => t.complete && t.naturalWidth > 0)",
        timeout=20000)
    popup = page.locator(".leaflet-popup-content")
    for _ in range(8):  # clusters split as the map zooms in; a single site's marker opens its popup
        page.locator(".leaflet-marker-icon").first.click()
        page.wait_for_timeout(700)
        if popup.count():
            break
    text = popup.inner_text()
    assert "份报告" in text and "纬度" not in text and "latitude" not in text
    assert not any(slug in text for slug in ("mengjin", "xigong", "kaihua", "dabu", "jinshui", "yiyang"))
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    shot(page, "map-popup")
    popup.locator("a p").first.click()
    page.wait_for_url(lambda url: "区县=" in unquote(url))  # 报告一览, its name tilde-encoded by Datasette
    assert page.locator("h1").first.inner_text() == "报告一览"
    district = unquote(page.url).split("区县=")[1].split("&")[0]
    assert set(page.locator(col("区县")).all_inner_texts()) == {district}
    want = db.execute("select count(*) from report_facts where district = ?", [district]).fetchone()[0]
    assert f"{want} 行" in page.locator("h3").first.inner_text()
