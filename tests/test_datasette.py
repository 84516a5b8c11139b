"""The Datasette layer through its JSON API: views, facets, search, canned queries, original documents.

One fixture archive (crawler.publish.fixtures) served in-process with the
same metadata, plugins and settings as `nianbao serve`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from datasette.utils import tilde_encode

from crawler.derive import labels
from crawler.derive.views import install_views, tokens_for_short_terms
from crawler.publish import metadata, queries
from crawler.publish.fixtures import build_fixture_db
from crawler.publish.serve import serve_command_args
from tests.helpers import datasette_client


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory) -> Path:
    return build_fixture_db(tmp_path_factory.mktemp("datasette") / "archive.db")


@pytest.fixture(scope="module")
def client(fixture_db):
    """A sync GET for the in-process Datasette (one event loop for the module)."""
    with datasette_client(fixture_db) as get:
        yield get


def table_json(get, name: str, **params) -> dict:
    r = get(f"/archive/{tilde_encode(name)}.json", _shape="objects", **params)
    assert r.status_code == 200, r.text
    return r.json()


def ids(data: dict) -> list[int]:
    return [row["报告编号"] for row in data["rows"]]


# --- setup.install_views ------------------------------------------------------------

def test_install_views_is_idempotent(fixture_db, tmp_path):
    db = sqlite_utils.Database(fixture_db)
    before = {v: list(db.query(f"select * from [{v}]")) for v in db.view_names()}
    install_views(db)
    install_views(db)
    after = {v: list(db.query(f"select * from [{v}]")) for v in db.view_names()}
    assert after == before
    assert set(db.view_names()) == {"cells",  # the compact cell_values read back (crawler/record/cellstore.py)
                                    "报告一览", "不一致的报告", "各地报告分布", "跨报告问题", *(v for v, _, _ in labels.WIDE_VIEWS)}


def test_headline_row_for_one_report(fixture_db):
    db = sqlite_utils.Database(fixture_db)
    row = next(db.query("select * from 报告一览 where 机关 = '北京市东城区财政局'"))
    assert {k: row[k] for k in ("省", "市", "区县", "主体层级", "年度", "模板", "收到申请", "予以公开", "不予公开",
                                "不予公开·属于国家秘密", "行政复议", "复议纠正", "行政诉讼", "诉讼纠正",
                                "收费金额（万元）", "不一致处数")} == {
        "省": "北京市", "市": "北京市", "区县": "东城区", "主体层级": "部门", "年度": 2023, "模板": "2021版模板",
        "收到申请": 40, "予以公开": 20, "不予公开": 12, "不予公开·属于国家秘密": 12, "行政复议": 4, "复议纠正": 1,
        "行政诉讼": 2, "诉讼纠正": 0, "收费金额（万元）": 1.25, "不一致处数": 0,
    }
    assert row["来源网址"].startswith("http://dongcheng.example.gov.cn/")


def test_wide_views_have_every_printed_cell(fixture_db):
    db = sqlite_utils.Database(fixture_db)
    cols = db["依申请公开（2021版）"].columns_dict
    assert "（三）不予公开·1.属于国家秘密·总计" in cols
    assert len([c for c in cols if "·" in c]) == len(labels.wide_columns("2021", "requests"))
    row = next(db.query('select * from "依申请公开（2019版）" where 年度 = 2020'))
    assert row["（六）其他处理·总计"] is None and row["一、本年新收政府信息公开申请数量·总计"] == 28


def test_regions_place_a_2021_district():
    """孟津区 (410308, created 2021) is not in cpca's list; it takes 孟津县's coordinates."""
    from crawler.derive.regions import load_regions

    r = {x.code: x for x in load_regions()}["410308"]
    assert (r.name, r.level, r.coordinates_from) == ("孟津区", "district", "name")
    assert 34 < r.latitude < 35.5 and 112 < r.longitude < 113


def test_short_term_tokens():
    assert tokens_for_short_terms("行政复议，公开") == "公 公开 复 复议 开 政 政复 行 行政 议"


# --- JSON API -------------------------------------------------------------------------------

def test_facet_counts(client):
    data = table_json(client, "报告一览", _facet=["主体层级", "省"])
    facets = {k: {x["value"]: x["count"] for x in v["results"]} for k, v in data["facet_results"].items()}
    assert facets["主体层级"] == {"政府": 9, "部门": 3}
    assert facets["省"] == {"河南省": 9, "北京市": 3}
    assert facets["年度"] == {2019: 1, 2020: 1, 2021: 1, 2022: 2, 2023: 7}
    assert facets["区县"] == {"孟津区": 6, "东城区": 3, "老城区": 1}


def test_findings_view_names_the_rule_and_numbers(client):
    data = table_json(client, "不一致的报告")
    assert {(r["规则"], r["应为"], r["实为"], r["差额"]) for r in data["rows"]} == {
        ("各行总计等于分项之和", 80, 85, 5), ("办理结果总计等于各项之和", 92, 87, -5), ("复议诉讼总计等于各结果之和", 6, 7, 1)}
    assert {r["机关"] for r in data["rows"]} == {"北京市东城区人民政府"}
    facets = {x["value"]: x["count"] for x in data["facet_results"]["规则"]["results"]}
    assert facets == {"各行总计等于分项之和": 1, "办理结果总计等于各项之和": 1, "复议诉讼总计等于各结果之和": 1}


def test_fts_three_characters_through_the_search_box(client):
    assert ids(table_json(client, "报告一览", _search="孟津区", _sort="报告编号")) == [1, 2, 3, 4, 5, 6]
    assert ids(table_json(client, "报告一览", _search="财政预算", _sort="报告编号")) == [8]


@pytest.mark.parametrize(("term", "expected"), [
    ("复议", [8, 5, 4]),  # two characters: the bigram index
    ("议", [8, 5, 4]),  # one character
    ("保密", [7]),
    ("孟津区", [6, 5, 4, 3, 2, 1]),  # three: the trigram index
    ("行政复议", [8, 5, 4]),
    ("不存在的词", []),
])
def test_search_query_any_length(client, term, expected):
    assert ids(table_json(client, "全文检索", 词=term)) == expected


def test_canned_region_by_year(client):
    rows = table_json(client, "地区历年数据", 地区="孟津区", 主体层级="政府")["rows"]
    assert [(r["年度"], r["收到申请"], r["予以公开"], r["行政复议"]) for r in rows] == [
        (2019, 20, 12, 0), (2020, 28, 15, 1), (2021, 35, 20, 2), (2022, 41, 22, 1), (2023, 52, 30, 3)]


def test_canned_agencies_by_reason(client):
    rows = table_json(client, "按理由排名机关", 理由="国家秘密", 年度="2023", 主体层级="部门")["rows"]
    assert [(r["机关"], r["件数"]) for r in rows] == [
        ("北京市东城区财政局", 12), ("洛阳市孟津区公安局", 7), ("洛阳市老城区保密局", 3)]


def test_canned_reasons_ranked(client):
    rows = table_json(client, "不予公开理由排名", 年度="2023", 主体层级="")["rows"]
    assert rows[0] == {"理由": "属于国家秘密", "件数": 24, "报告数": 4}
    assert len(rows) == len(labels.DENIED_ROWS)


def test_canned_correction_rate(client):
    rows = table_json(client, "复议诉讼纠正率", 年度="2023", 主体层级="")["rows"]
    first = rows[0]
    assert (first["机关"], first["行政复议"], first["复议纠正"], first["复议纠正率（%）"]) == (
        "洛阳市孟津区公安局", 2, 2, 100.0)
    dongcheng = next(r for r in rows if r["机关"] == "北京市东城区财政局")
    assert (dongcheng["复议纠正率（%）"], dongcheng["诉讼纠正率（%）"]) == (25.0, 0.0)


def test_canned_rules(client):
    rows = table_json(client, "违反各规则的报告", 规则="复议诉讼总计等于各结果之和", 年度="")["rows"]
    assert [(r["报告编号"], r["应为"], r["实为"]) for r in rows] == [(9, 6, 7)]
    counts = table_json(client, "各规则不一致数")["rows"]
    assert [(r["规则"], r["不一致处数"]) for r in counts] == [
        ("申请收支相抵", 0), ("各行总计等于分项之和", 1), ("办理结果总计等于各项之和", 1), ("复议诉讼总计等于各结果之和", 1)]


def test_canned_two_years(client):
    rows = table_json(client, "同一机关两年对比", 机关="洛阳市孟津区人民政府", 第一年度="2022", 第二年度="2023")["rows"]
    new = next(r for r in rows if r["项目"] == "一、本年新收政府信息公开申请数量·总计")
    assert (new["第一年度数值"], new["第二年度数值"], new["变化"]) == (41, 52, 11)


def test_canned_missing_reports(client):
    """Asked of bodies, as 未发布 is: a hand-ingested archive (no crawl) accuses no one.

    Printed names would list the five bodies whose only report is for 2023 as missing for 2022.
    The crawled demo (tests/test_crossreport.py) checks the question against planted gaps and renamings.
    """
    for year in ("2022", "2024", ""):
        assert table_json(client, "某年无报告的机关", 年度=year)["rows"] == []
        assert table_json(client, "未发布", 机关="", 年度=year)["rows"] == []


def test_every_canned_query_is_documented():
    """Each query has a Chinese title and a description (an undocumented query fails)."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "datasette.md").read_text(encoding="utf-8")
    for name, q in queries.canned_queries().items():
        assert q["title"] and q["description"], name
        assert name in docs, f"docs/datasette.md does not mention canned query {name}"


def test_every_view_column_is_described():
    tables = metadata.build_metadata()["databases"]["archive"]["tables"]
    conn = sqlite3.connect(":memory:")
    db = sqlite_utils.Database(conn)
    from crawler.record.store import ensure_schema

    ensure_schema(db)
    install_views(db)
    for view in db.view_names():
        missing = set(db[view].columns_dict) - set(tables[view]["columns"])
        assert not missing, (view, missing)
    for table in db.table_names():
        if table.endswith(("_fts", "_data", "_idx", "_docsize", "_config", "_content")) or \
                tables.get(table, {}).get("hidden"):
            continue
        assert tables[table].get("title"), table
        if table in ("cells", "findings", "sites", "cell_labels", "rules", "regions"):
            missing = set(db[table].columns_dict) - set(tables[table].get("columns", {}))
            assert not missing, (table, missing)


# --- pages ---------------------------------------------------------------------------------

def test_report_row_links_to_source_and_original(client):
    html = client("/archive/reports/8").text
    assert 'href="http://dongcheng.example.gov.cn/xxgk/ndbg/2023/t0008.html"' in html
    assert 'href="/-/original/8"' in html


def test_views_link_to_report_and_original(client):
    html = client(f"/archive/{tilde_encode('报告一览')}", 机关="北京市东城区财政局").text
    assert 'href="/-/report/8"' in html and 'href="/-/original/8"' in html


def test_script_title_is_text(client):
    html = client(f"/archive/{tilde_encode('报告一览')}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html
    assert "<script>alert(1)</script>" not in client("/archive/reports/12").text


def test_original_is_sandboxed(client):
    page = client("/-/original/12")
    assert page.status_code == 200
    assert '<iframe class="original-frame" sandbox=""' in page.text
    assert "<script>alert(1)</script>" not in page.text
    raw = client("/-/original/12/raw")
    assert raw.status_code == 200
    assert raw.headers["content-security-policy"].startswith("sandbox;")
    assert "script-src" not in raw.headers["content-security-policy"]  # default-src 'none' covers it
    assert raw.headers["x-content-type-options"] == "nosniff"
    assert b"<script>alert(1)</script>" in raw.content  # the bytes as archived, never executed
    assert client("/-/original/999").status_code == 404


def test_original_pdf_is_a_download_with_its_text_shown(client):
    page = client("/-/original/11")
    assert "<iframe" not in page.text and "市政府办公室统筹推进" in page.text
    raw = client("/-/original/11/raw")
    assert raw.headers["content-disposition"].startswith("attachment")
    assert raw.content.startswith(b"%PDF")


def test_home_and_database_pages_in_chinese(client):
    home = client("/").text
    assert metadata.TITLE in home and "不一致的报告" in home
    db_page = client("/archive").text
    assert db_page.index("常用问题") < db_page.index("阅读用的表") < db_page.index("原始数据表")
    assert "report_facts" not in db_page.split("原始数据表")[1].split("隐藏表")[0]


def test_serve_command_opens_the_archive_mutable_not_immutable(db_path):
    """Not immutable (-i): a WAL archive written by a crawl is read as committed, with no restart."""
    args = serve_command_args(db_path, "127.0.0.1", 8123)
    assert args[args.index("serve") + 1] == str(db_path) and "-i" not in args
    assert ["--setting", "allow_download", "off"] == args[args.index("allow_download") - 1:][:3]
    assert Path(args[args.index("--metadata") + 1]).read_text(encoding="utf-8").startswith("title: 政府信息公开")


def test_cross_report_view(client):
    data = table_json(client, "跨报告问题", 问题="与上年不衔接", 机关="洛阳市孟津区人民政府", 年度="2023")
    assert [(r["报告编号"], r["对照报告编号"], r["本报告数值"], r["对照数值"]) for r in data["rows"]] == [
        (5, 4, 1, 15), (5, 4, 1, 15)]
    html = client(f"/archive/{tilde_encode('跨报告问题')}", 年度="2023").text
    assert 'href="/-/report/4"' in html and 'href="/-/original/5"' in html


def test_every_canned_query_answers_with_blank_parameters(client):
    """Blank means "any": no query of the metadata (this layer's or the cross-report layer's) fails."""
    for name, q in metadata.build_metadata()["databases"]["archive"]["queries"].items():
        r = client(f"/archive/{tilde_encode(name)}.json", **dict.fromkeys(q.get("params", []), ""))
        assert r.status_code == 200, (name, r.text[:300])


def test_the_file_a_report_was_read_from_is_a_link():
    """报告文件 opens the government's file; 文件原件 the archived copy, on every report view and reports."""
    from types import SimpleNamespace

    from crawler.publish.plugins.nianbao_links import render_cell

    urls = SimpleNamespace(path=lambda p: "/" + p)
    ds = SimpleNamespace(urls=urls)
    url = "https://www.example.gov.cn/P020240125123456.pdf"
    for column, table in (("报告文件", "报告一览"), ("source_url", "reports")):
        assert f'href="{url}"' in str(render_cell({}, url, column, table, "archive", ds))
    for column, table in (("文件原件", "报告一览"), ("source_document_id", "reports")):
        assert 'href="/-/original/7"' in str(render_cell({}, 7, column, table, "archive", ds))


def test_no_question_reads_every_cell(fixture_db):
    """A question that names the `cells` view twice makes SQLite build it whole (13 M rows at 200,000 reports):
    each question's plan looks cells up by report, never materialises the view."""
    import re

    from crawler.publish.plugins.nianbao_bodies import BODY_NAME_FUNCTION, _body_name
    from crawler.publish.search import register_functions

    conn = sqlite3.connect(fixture_db)
    conn.create_function(BODY_NAME_FUNCTION, 1, _body_name, deterministic=True)
    register_functions(conn)
    for name, q in metadata.build_metadata("archive")["databases"]["archive"]["queries"].items():
        params = {p: "2023" if "年度" in p else "孟津" for p in re.findall(r":(\w+)", q["sql"])}
        plan = [row[3] for row in conn.execute("explain query plan " + q["sql"], params)]
        assert not [step for step in plan if step.startswith("MATERIALIZE cells")], name
