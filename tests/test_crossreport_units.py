"""Cross-report checks on a small archive built in the test: each kind, its evidence and its limits."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.derive.crossreport import rebuild_cross_findings
from crawler.derive.crossreport.deadlines import deadline
from crawler.derive.crossreport.narrative import read_statements
from crawler.extract.model import Report
from crawler.record.store import store_report

TODAY = dt.date(2024, 11, 1)


def _cells(new: int, over: int, forward: int) -> dict:
    return {"requests.new_received.total": new, "requests.carried_over.total": over,
            "requests.carried_forward.total": forward, "requests.results_total.total": new + over - forward,
            "appeals.review.total": 0, "appeals.lawsuit_direct.total": 0, "appeals.lawsuit_after_review.total": 0}


def put(db, year: int, *, agency: str = "孟津区教育局", level: str = "department", cells: dict | None = None,
        published: str | None = None, text: str = "", seen: str | None = None, n: int = 0):
    r = Report(template="2021" if year >= 2021 else "2019", year=year, agency=agency,
               title=f"{agency}{year}年政府信息公开工作年度报告", published=published,
               published_source="meta" if published else None, cells=cells or _cells(3, 0, 0),
               method={k: "grid" for k in (cells or _cells(3, 0, 0))}, text=text)
    with db.atomic():
        return store_report(db, site="mengjin", url=f"http://x/{year}/{agency}/{n}.html", report=r,
                            document_id=None, document_sha256=f"{year}{agency}{n}",
                            fetched_at=seen or f"{year + 1}-01-20T02:00:00+00:00", body_level=level).id


def crawled_on(db, *days: str) -> None:
    for day in days:
        run = db["crawl_runs"].insert({"started": f"{day}T01:00:00+00:00", "status": "ok"}).last_pk
        db["crawl_sites"].insert({"run_id": run, "site": "mengjin"}, pk=("run_id", "site"))


@pytest.fixture
def db(tmp_db):
    return tmp_db  # on disk: the `body` command reads it


def kinds(db) -> list[tuple]:
    return sorted((f["kind"], f["year"], f["key"], f["value"], f["other_value"])
                  for f in db.query("select * from cross_findings"))


def test_carry_over_names_both_reports_and_values(db):
    a = put(db, 2020, agency="孟津县教育局", cells=_cells(5, 0, 2), published="2021-01-20")
    b = put(db, 2021, cells=_cells(4, 3, 0), published="2022-01-20")
    rebuild_cross_findings(db, TODAY, grace_days=30)
    rows = list(db.query("select * from cross_findings"))
    assert [(r["kind"], r["report_id"], r["other_report_id"], r["value"], r["other_value"]) for r in rows] == [
        ("carry_over", b, a, 3, 2)]
    assert "2020年" in rows[0]["detail"] and "2021年" in rows[0]["detail"]


def test_carry_over_needs_both_cells(db):
    put(db, 2021, cells={"requests.new_received.total": 1}, published="2022-01-20")
    put(db, 2022, cells=_cells(1, 5, 0), published="2023-01-20")
    rebuild_cross_findings(db, TODAY)
    assert kinds(db) == []


def test_late_by_level_and_rule_period():
    assert deadline("department", 2023) == dt.date(2024, 1, 31)
    assert deadline("town", 2023) == dt.date(2024, 1, 31)
    assert deadline("government", 2023) == dt.date(2024, 3, 31)
    assert deadline("department", 2018) == dt.date(2019, 3, 31)  # 条例 of 2008


def test_late_report_days_and_source(db):
    put(db, 2022, published="2023-02-10")
    put(db, 2022, agency="孟津区人民政府", level="government", published="2023-03-31")
    rebuild_cross_findings(db, TODAY)
    rows = list(db.query("select * from cross_findings where kind = 'late'"))
    assert [(r["days_late"], r["published_source"], r["deadline"]) for r in rows] == [(10, "meta", "2023-01-31")]


def test_first_seen_bounds_an_undated_report_only_when_watched(db):
    put(db, 2022, seen="2023-03-01T02:00:00+00:00")
    rebuild_cross_findings(db, TODAY)
    assert kinds(db) == []  # the archive was not watching before the deadline
    crawled_on(db, "2023-01-10")
    rebuild_cross_findings(db, TODAY)
    late = list(db.query("select * from cross_findings where kind = 'late'"))
    assert [(r["published_source"], r["days_late"]) for r in late] == [("first_seen", 29)]


def test_missing_then_resolved(db):
    put(db, 2021, published="2022-01-20")
    crawled_on(db, "2023-03-20")
    rebuild_cross_findings(db, dt.date(2023, 3, 2), grace_days=30)
    assert kinds(db) == []  # 2022's report is due 2023-01-31; grace until 2023-03-02
    rebuild_cross_findings(db, dt.date(2023, 3, 25), grace_days=30)
    rows = list(db.query("select * from cross_findings"))
    assert [(r["kind"], r["year"], r["resolved_at"]) for r in rows] == [("missing", 2022, None)]
    put(db, 2022, published="2023-01-25", seen="2023-04-02T02:00:00+00:00")
    rebuild_cross_findings(db, dt.date(2023, 4, 5), grace_days=30)
    rows = list(db.query("select * from cross_findings"))
    assert [(r["kind"], r["year"], r["resolved_at"]) for r in rows] == [("missing", 2022, "2023-04-02")]


def test_missing_needs_a_crawled_site(db):
    put(db, 2021, published="2022-01-20")
    rebuild_cross_findings(db, TODAY)
    assert kinds(db) == []


def test_text_vs_table(db):
    text = "一、总体情况\n2022年，本局共新收政府信息公开申请5件，上年结转0件。\n全年未发生行政复议、行政诉讼。"
    put(db, 2022, cells=_cells(3, 0, 0), published="2023-01-20", text=text)
    rebuild_cross_findings(db, TODAY)
    rows = list(db.query("select * from cross_findings"))
    assert [(r["kind"], r["key"], r["value"], r["other_value"]) for r in rows] == [
        ("text_vs_table", "requests.new_received.total", 5, 3)]
    assert rows[0]["sentence"].startswith("2022年")


@pytest.mark.parametrize("text", [
    "全年共收到政府信息公开申请5件（含上年结转2件）。",  # includes last year's
    "2021年收到申请4件，2022年收到申请5件。",  # two years in one sentence
    "全年办理因政府信息公开申请引发的行政复议36起。",  # 办理 … 复议 is not requests received
    "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5",  # a table row
    "全年主动公开政府信息120条，公开3件。",  # bare 公开 is not 予以公开
])
def test_unclear_numbers_are_not_read(text):
    keys = {s.key for s in read_statements(text, "2021")}
    assert "requests.new_received.total" not in keys and "requests.granted.total" not in keys


def test_receiving_may_include_carried_over(db):
    cells = _cells(3, 2, 0)
    put(db, 2022, cells=cells, published="2023-01-20", text="全年共受理政府信息公开申请5件。")
    rebuild_cross_findings(db, TODAY)
    assert [k for k in kinds(db) if k[0] == "text_vs_table"] == []


def test_statements_keep_sentences():
    st = read_statements("2024年，区政府办代表区政府受理政府\n信息公开申请 17 件，均已在法定期限内予以答复。", "2021")
    assert [(s.key, s.value, s.loose) for s in st] == [("requests.new_received.total", 17, True)]
    assert "17件" in st[0].sentence


def test_statements_in_chinese_numerals():
    st = read_statements("2023年，本局新收政府信息公开申请十二件，上年结转两件，引发行政复议一件。", "2021")
    assert [(s.key, s.value) for s in st] == [("requests.new_received.total", 12), ("requests.carried_over.total", 2),
                                              ("appeals.review.total", 1)]


def test_body_command_prints_the_timeline(db, db_path):
    from click.testing import CliRunner

    from crawler.cli.main import main

    put(db, 2020, agency="孟津县教育局", cells=_cells(5, 0, 2), published="2021-01-20")
    put(db, 2021, cells=_cells(4, 3, 0), published="2022-02-20")
    rebuild_cross_findings(db, TODAY)
    out = CliRunner().invoke(main, ["body", "孟津县教育局", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert "孟津区教育局" in out.output and "孟津县教育局 (2020)" in out.output
    assert "与上年不衔接" in out.output and "逾期发布" in out.output
    lines = out.output.splitlines()
    assert any(line.startswith("2020") for line in lines) and any(line.startswith("2021") for line in lines)
