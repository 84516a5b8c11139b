"""What a reader sees: Chinese everywhere, the report page, a figure marked in its original, the map's popup.

The fixture archive (crawler.publish.fixtures) served in-process, as in
tests/test_datasette.py; the crawled demo is read in a browser by
tests/test_browser_reporter.py.
"""

from __future__ import annotations

import asyncio
import json
import re
from urllib.parse import urlencode

import pytest
import sqlite_utils
from datasette.utils import tilde_encode

from crawler.publish.fixtures import build_fixture_db
from crawler.publish.locate import MARK_ID, mark_html, mark_text
from crawler.publish.serve import make_datasette
from crawler.publish.zh import zh

ENGLISH = ("sorted by", "contains", "Run SQL", "Custom SQL query", "Data license", ">home<", "- column -",
           "REPORT_SCHEMA", "Powered by", "Query parameters", "rows where", "Apply", "This data as")


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory):
    return build_fixture_db(tmp_path_factory.mktemp("reader") / "archive.db")


@pytest.fixture(scope="module")
def get(fixture_db):
    ds = make_datasette(fixture_db)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())

    def fetch(path: str, **params):
        r = loop.run_until_complete(ds.client.get(path + ("?" + urlencode(params) if params else "")))
        if r.status_code in (301, 302):
            r = loop.run_until_complete(ds.client.get(r.headers["location"]))
        return r

    yield fetch
    loop.close()


def _visible(html: str) -> str:
    """The page without <script>/<style> and tags' attributes (what a reader reads)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", "<>", html)


@pytest.mark.parametrize("path,params", [
    ("/", {}),
    ("/archive", {}),
    ("/archive/报告一览", {"_sort_desc": "年度", "机关__contains": "孟津"}),
    (f"/archive/{tilde_encode('不一致的报告')}", {}),
    (f"/archive/{tilde_encode('某年无报告的机关')}", {"年度": "2023"}),
    (f"/archive/{tilde_encode('同一机关两年对比')}", {"机关": "孟津区人民政府", "第一年度": "2022", "第二年度": "2023"}),
])
def test_datasette_speaks_chinese(get, path, params):
    r = get(path, **params)
    assert r.status_code == 200, r.text[:300]
    text = _visible(r.text)
    found = [w for w in ENGLISH if w in text]
    assert found == [], f"{path}: {found}"
    if "报告一览" not in path:  # its rates (%) and fees (万元) are decimals; every other number here is a count
        assert not re.search(r"<>\s*\d+\.0\s*<>", text), "a count printed as a decimal"


def test_sorted_and_filtered_described_in_chinese(get):
    r = get(f"/archive/{tilde_encode('报告一览')}", _sort_desc="年度", 机关__contains="孟津")
    assert "条件：机关 包含“孟津”，按 年度 从大到小排序" in r.text
    assert zh("sorted by 年度") == "按 年度 从小到大排序"
    assert zh("home") == "首页"


def test_questions_pick_years_from_a_list(get):
    home = get("/").text
    form = re.search(r'<form class="question" action="/archive/[^"]*"[^>]*>\s*<strong><a [^>]*>某年没有报告的机关</a>'
                     r".*?</form>", home, re.S)
    assert form, "the home page lists the question with its form"
    years = re.findall(r'<option value="(\d{4})">', form.group(0))
    assert years == ["2023", "2022", "2021", "2020", "2019"]
    page = get(f"/archive/{tilde_encode('某年无报告的机关')}", 年度="2022").text
    assert re.search(r'<select id="qp1" name="年度">.*<option value="2022" selected>', page, re.S)
    rules = get(f"/archive/{tilde_encode('违反各规则的报告')}", 规则="", 年度="").text
    assert '<option value="复议诉讼总计等于各结果之和">' in rules


def test_report_page(get, fixture_db):
    db = sqlite_utils.Database(fixture_db)
    rid = db.execute("select id from reports where agency = '洛阳市孟津区人民政府' and year = 2023").fetchone()[0]
    r = get(f"/-/report/{rid}")
    assert r.status_code == 200
    html = r.text
    assert "洛阳市孟津区人民政府2023年政府信息公开工作年度报告" in html
    assert "河南省 · 洛阳市 · 孟津区" in html and "法定期限 2024-03-31" in html
    value = int(db.execute("select value from cells where report_id = ? and key = 'requests.new_received.total'",
                           [rid]).fetchone()[0])
    assert re.search(rf'data-key="requests.new_received.total"><a href="/-/report/{rid}/cell/'
                     rf'requests.new_received.total">{value}</a>', html)
    assert "一、本年新收政府信息公开申请数量" in html and "自然人" in html
    assert "与上年不衔接" in html  # its findings across years
    assert '<details class="report-text">' in html
    assert get("/-/report/999999").status_code == 404


def test_a_broken_cell_says_its_rule(get, fixture_db):
    db = sqlite_utils.Database(fixture_db)
    rid = db.execute("select report_id from findings where rule = '4'").fetchone()[0]
    html = get(f"/-/report/{rid}").text
    cell = re.search(r'<td class="num broken" data-key="(appeals\.[^"]+)" title="([^"]+)"', html)
    assert cell
    assert "复议诉讼总计等于各结果之和（规则4）：应为 6，实为 7" == cell.group(2)
    page = get(f"/-/report/{rid}/cell/{cell.group(1)}").text
    assert "复议诉讼总计等于各结果之和" in page and "应为 <strong>6</strong>" in page


def test_cell_original_without_a_table_says_so(get, fixture_db):
    db = sqlite_utils.Database(fixture_db)
    rid = db.execute("select id from reports where agency = '洛阳市孟津区人民政府' and year = 2023").fetchone()[0]
    r = get(f"/-/report/{rid}/cell/requests.new_received.total/original")
    assert r.status_code == 200 and "未能在原件中确定" in r.text  # the fixture's original prints no table
    assert get(f"/-/report/{rid}/cell/requests.new_received.total/marked").status_code == 404
    assert get(f"/-/report/{rid}/cell/nonsense/original").status_code == 404


ORIGINAL = """<html><body><table>
<tr><td>项目</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td>
<td>其他</td><td>总计</td></tr>
<tr><td>一、本年新收政府信息公开申请数量</td><td>7</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>8</td></tr>
<tr><td>（一）予以公开</td><td>3</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>4</td></tr>
</table></body></html>"""


def test_mark_html_finds_the_cell_by_row_and_column():
    got = mark_html(ORIGINAL, "2021", "requests.granted.total", 4, "4")
    assert got and got.how == "row-and-column"
    marked = re.search(rf'<td id="{MARK_ID}" style="[^"]+" title="[^"]+">(\d+)</td>', got.html)
    assert marked and marked.group(1) == "4"
    row = got.html[:marked.start()].rsplit("<tr>", 1)[1]
    assert row.startswith("<td>（一）予以公开</td>")
    natural = mark_html(ORIGINAL, "2021", "requests.new_received.natural_person", 7, "7")
    assert natural and re.search(rf'<td id="{MARK_ID}"[^>]*>7</td>', natural.html)
    assert mark_html(ORIGINAL, "2021", "requests.granted.total", 5, "5") is None  # not printed: nothing marked


def test_mark_text_marks_the_value_on_its_row():
    text = "一、本年新收政府信息公开申请数量 7 1 0 0 0 0 8\n（一）予以公开 3 1 0 0 0 0 4"
    got = mark_text(text, "2021", "requests.granted.total", 4, "4")
    assert got and f'<mark id="{MARK_ID}"' in got.html.splitlines()[1]
    assert got.html.splitlines()[1].endswith(">4</mark>")


def test_map_popup_is_chinese_and_links_to_the_district(get, fixture_db):
    rows = get(f"/archive/{tilde_encode('各地报告分布')}.json", _shape="objects").json()["rows"]
    mengjin = next(r for r in rows if r["网站代号"] == "mengjin")
    popup = json.loads(mengjin["popup"])
    assert set(popup) == {"title", "description", "link"}
    assert popup["title"] == "洛阳市孟津区人民政府"
    assert "份报告" in popup["description"] and "mengjin" not in popup["description"]
    assert popup["link"].startswith("报告一览?区县=孟津区")
    listed = get(f"/archive/{tilde_encode('报告一览')}.json", 区县="孟津区", _shape="objects").json()["rows"]
    assert len(listed) == mengjin["报告数"]


def test_a_partial_body_name_is_offered_the_bodies_it_matches(get):
    """报告一览's 机关 filter matches the printed name; typed partly, the page leads to the body question."""
    html = get("/archive/报告一览", 机关="孟津区人民政府").text
    assert "没有符合条件的记录" in html
    link = re.search(r'<a href="(/archive/[^"]+)">与「孟津区人民政府」相符的机关及其历年年报</a>', html)
    assert link
    rows = get(link.group(1).replace("&amp;", "&") + "&_shape=objects", ).text
    assert "洛阳市孟津区人民政府" in rows
    timeline = get(f"/archive/{tilde_encode('机关历年年报')}.json", 机关="孟津区人民政府", _shape="objects").json()
    assert {r["机关"] for r in timeline["rows"]} == {"洛阳市孟津区人民政府"}
    assert [r["年度"] for r in timeline["rows"]] == [2019, 2020, 2021, 2022, 2023]


def test_every_translated_phrase_is_in_a_template():
    """A phrase no template holds translates nothing: Datasette's English would show (as 'Error 404' did)."""
    from pathlib import Path

    import datasette
    import datasette_dashboards

    from crawler.publish.zh import TEMPLATE_PHRASES

    folders = [Path(datasette.__file__).parent / "templates", Path(datasette_dashboards.__file__).parent / "templates",
               Path(__file__).resolve().parents[1] / "crawler" / "publish" / "templates"]
    texts = [p.read_text(encoding="utf-8") for folder in folders for p in folder.rglob("*.html")]
    assert [english for english, _ in TEMPLATE_PHRASES if not any(english in t for t in texts)] == []


def test_report_page_counts_days_late_as_the_cross_report_finding_does():
    """A report with no printed date, late by when it was first seen: the page says what 跨报告问题 says."""
    from crawler.publish.report_page import _published_vs_deadline

    report = {"id": 7, "year": 2023, "body_level": None, "published": None}
    late = {"kind": "late", "report_id": 7, "deadline": "2024-01-31", "published": "2024-03-02",
            "published_source": "first_seen", "days_late": 31}
    assert _published_vs_deadline(report, {"level": "department"}, [late]) == {
        "deadline": "2024-01-31", "days_late": 31, "published": "2024-03-02", "published_source": "first_seen"}
    on_time = {**report, "body_level": "department", "published": "2024-01-20"}
    assert _published_vs_deadline(on_time, None, []) == {"deadline": "2024-01-31", "days_late": 0}
    assert _published_vs_deadline({**report, "body_level": "department"}, None, []) == {"deadline": "2024-01-31"}
