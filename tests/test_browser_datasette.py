"""The archive in a real browser: Datasette as a subprocess, Debian's Chromium through Playwright.

One Datasette on the fixture archive and one browser (conftest.py's `base_url`,
`browser` and `page`, shared with test_browser_search); every page must load
with no request leaving the machine, and a scraped `<script>` must never run.
Screenshots go to $NIANBAO_SCREENSHOTS (docs/screenshots/ to refresh the README's), else a temp dir.
"""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from tests.helpers import col, shot

pytestmark = pytest.mark.slow


def test_home_page(page, base_url):
    page.goto(base_url + "/")
    assert page.title().startswith("政府信息公开工作年度报告档案")
    assert "basemap" not in page.locator("section.content").inner_text()
    assert page.get_by_role("link", name="不一致的报告").first.is_visible()
    shot(page, "home")


def test_facet_click(page, base_url):
    page.goto(base_url + "/archive/" + quote("报告一览"))
    page.locator(".facet-info[data-column='主体层级'] a", has_text="部门").click()
    page.wait_for_url(lambda url: "主体层级=部门" in unquote(url))
    assert "3 行" in page.locator("h3").first.inner_text()
    assert set(page.locator(col("主体层级")).all_inner_texts()) == {"部门"}
    shot(page, "facet")


def test_two_character_search(page, base_url):
    page.goto(base_url + "/archive/" + quote("全文检索"))
    page.fill("input[name='词']", "复议")
    page.locator("form.sql input[type=submit]").click()
    page.wait_for_url(lambda url: "词=复议" in unquote(url))
    titles = page.locator(col("标题")).all_inner_texts()
    assert sorted(titles) == sorted([
        "北京市东城区财政局2023年政府信息公开工作年度报告",
        "洛阳市孟津区人民政府2023年政府信息公开工作年度报告",
        "洛阳市孟津区人民政府2022年政府信息公开工作年度报告",
    ])
    shot(page, "search")


def test_canned_query(page, base_url):
    page.goto(base_url + "/archive/" + quote("按理由排名机关") + "?" +
              "&".join(f"{quote(k)}={quote(v)}" for k, v in (("理由", "国家秘密"), ("年度", "2023"), ("主体层级", "部门"))))
    assert page.locator(col("机关")).all_inner_texts() == ["北京市东城区财政局", "洛阳市孟津区公安局", "洛阳市老城区保密局"]
    assert page.locator(col("件数")).first.inner_text() == "12"
    page.locator(col("存档原件") + " a").first.click()
    page.wait_for_url("**/-/original/8")
    assert page.locator("iframe.original-frame").get_attribute("sandbox") == ""
    page.go_back()
    shot(page, "query")


def test_trend_chart(page, base_url):
    page.goto(base_url + "/-/dashboards/overview?region=" + quote("孟津区"))
    chart = page.locator("#chart-trend")
    chart.locator("canvas, svg").first.wait_for(timeout=20000)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    page.locator("#chart-reasons canvas, #chart-reasons svg").first.wait_for(timeout=20000)
    page.wait_for_timeout(500)
    shot(page, "chart")


def test_district_map(page, base_url):
    page.goto(base_url + "/archive/" + quote("各地报告分布"))
    page.locator(".leaflet-container").wait_for(timeout=20000)
    page.locator(".leaflet-marker-icon").first.wait_for(timeout=20000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-tile')].some(t => t.complete && t.naturalWidth > 0)",
        timeout=20000)
    assert page.locator(".leaflet-marker-icon").count() >= 1
    page.locator(".leaflet-container").scroll_into_view_if_needed()
    shot(page, "map")


def test_script_title_never_runs(page, base_url):
    page.goto(base_url + "/archive/" + quote("报告一览") + "?_sort=报告编号")
    assert page.get_by_text("<script>alert(1)</script>河南省人民政府", exact=False).first.is_visible()
    page.goto(base_url + "/archive/reports/12")
    assert "<script>alert(1)</script>" in page.locator("td.col-title").inner_text()
    page.goto(base_url + "/-/original/12")
    frame = page.frame_locator("iframe.original-frame")
    frame.locator("h1").wait_for()
    assert "河南省人民政府" in frame.locator("h1").inner_text()  # the original renders, its script does not run
    page.goto(base_url + "/-/original/12/raw")
    page.wait_for_timeout(300)
    page.goto(base_url + "/archive/reports/12")
    shot(page, "script-as-text")
    assert page.dialogs == []
