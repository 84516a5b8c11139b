"""Cross-report findings on the demo web: every planted kind found, nothing else.

The run's one demo crawl (`python -m crawler demo --no-serve`, a real subprocess:
conftest.py's `demo_archive`) is copied for the module; the findings are then rebuilt with a pinned "today" and compared
with ``DemoCorpus.cross_gold``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlite_utils

from crawler.derive.bodies import body_name, load_aliases, normalize_name
from crawler.derive.crossreport import KINDS, rebuild_cross_findings
from crawler.derive.crossreport.score import finding_keys, findings_on_clean_bodies, gold_keys, score
from tests.helpers import datasette_client

pytestmark = pytest.mark.slow

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def crawled(demo_archive, demo_archive_copy):
    corpus, path = demo_archive.corpus, demo_archive_copy
    db = sqlite_utils.Database(path)
    rebuild_cross_findings(db, TODAY)
    return db, corpus, path


def test_the_nightly_run_built_findings(crawled):
    db, _, _ = crawled
    assert db["bodies"].count > 40
    assert db["cross_findings"].count > 0
    assert not list(db.query("select id from reports where body_id is null and template is not null"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_precision_and_recall_are_one(crawled, kind):
    db, corpus, _ = crawled
    s = score(db, corpus.cross_gold)[kind]
    assert s.gold, f"nothing of kind {kind} planted"
    assert s.found - s.gold == set(), "false findings"
    assert s.gold - s.found == set(), "missed findings"


def test_no_finding_on_bodies_with_nothing_planted(crawled):
    db, corpus, _ = crawled
    assert findings_on_clean_bodies(db, corpus.cross_gold) == 0
    planted = {(k[1], k[2]) for k in gold_keys(corpus.cross_gold)}
    assert db["bodies"].count > len(planted)  # some bodies have nothing planted


def test_days_late_and_evidence(crawled):
    db, corpus, _ = crawled
    want = {(g["site"], g["years"][0], g["days_late"]) for g in corpus.cross_gold if g["kind"] == "late"}
    got = {(r["site"], r["year"], r["days_late"]) for r in db.query(
        "select b.site, f.year, f.days_late from cross_findings f join bodies b on b.id = f.body_id "
        "where f.kind = 'late'")}
    assert got == want
    for f in db.query("select * from cross_findings where kind = 'carry_over'"):
        assert f["report_id"] and f["other_report_id"] and f["document_id"] and f["other_document_id"]
        assert f["value"] != f["other_value"]
    for f in db.query("select * from cross_findings where kind = 'text_vs_table'"):
        assert f["sentence"] and str(int(f["value"])) in f["sentence"]


def test_renamed_bodies_need_the_aliases_file(crawled):
    """Without sites/aliases.yaml 孟津县… and 孟津区… are two bodies: a gap and a new body appear."""
    db, corpus, _ = crawled
    rebuild_cross_findings(db, TODAY, aliases=[])
    try:
        wrong = finding_keys(db) ^ gold_keys(corpus.cross_gold)
        assert any(k[1] == "mengjin" for k in wrong)
    finally:
        rebuild_cross_findings(db, TODAY)
    names = {b["name"] for b in db.query("select name from bodies where site = 'mengjin'")}
    assert not any(n.startswith("孟津县") for n in names)


QUERIES = {"carry_over": "与上年不衔接", "text_vs_table": "正文与表格不一致", "late": "逾期发布", "missing": "未发布"}


def test_datasette_canned_queries_link_reports_and_originals(crawled):
    from datasette.utils import tilde_encode

    db, _, path = crawled
    with datasette_client(path) as client:

        def get(name: str, fmt: str = ".json", **params):
            r = client(f"/{path.stem}/{tilde_encode(name)}{fmt}", **{"机关": "", "年度": "", **params},
                       _shape="objects")
            assert r.status_code == 200, r.text[:500]
            return r

        for kind, name in QUERIES.items():
            rows = get(name).json()["rows"]
            assert len(rows) == db["cross_findings"].count_where("kind = ?", [kind]), kind
            assert all(r["机关"] for r in rows)
            if kind != "missing":
                assert all(r["报告编号"] and r["存档原件"] for r in rows)
        html = get("与上年不衔接", "").text
        assert "/-/original/" in html and "/reports/" in html and "存档原件 #" in html
        timeline = get("机关历年年报", 机关="孟津县人民政府").json()["rows"]
        assert [r["年度"] for r in timeline] == list(range(2018, 2026))


def _missing_by_printed_name(db: sqlite_utils.Database, year: int) -> set[tuple[str, str]]:
    """(site, agency) that printed a report for year-1 but none for year: the question asked of printed names."""
    return {(r["site"], r["agency"]) for r in db.query(
        "select site, agency from reports where template is not null and agency is not null "
        "group by site, agency having sum(year = ?) > 0 and sum(year = ?) = 0", [year - 1, year])}


def test_missing_question_goes_through_bodies_and_agrees_with_findings(crawled):
    """某年无报告的机关 = 未发布 = the planted gaps, year by year; no renamed body is ever accused."""
    from datasette.utils import tilde_encode

    db, corpus, path = crawled

    printed = {(r.site, r.year, r.agency) for r in corpus.reports}
    accused_by_printed_name = 0
    with datasette_client(path) as client:

        def rows(name: str, **params) -> list[dict]:
            r = client(f"/{path.stem}/{tilde_encode(name)}.json", **params, _shape="objects", _size="max")
            assert r.status_code == 200, r.text[:500]
            return r.json()["rows"]

        for year in range(2019, 2026):
            question = rows("某年无报告的机关", 年度=str(year))
            findings = rows("未发布", 机关="", 年度=str(year))
            listed = {(r["网站"], r["机关"]) for r in question}
            assert listed == {(db["sites"].get(r["网站"])["name"], r["机关"]) for r in findings
                              if r["状态"] == "仍未见"}, year
            gold = {(g["site"], normalize_name(g["body"], g["level"])) for g in corpus.cross_gold
                    if g["kind"] == "missing" and g["years"] == [year]}
            ids = [r["机关编号"] for r in question]
            assert {(b["site"], b["name"]) for b in db.query(
                f"select site, name from bodies where id in ({','.join('?' * len(ids))})", ids)} == gold, year
            for r in question:
                assert r["省"] and r["区县"], r  # every finding has its region
                names = set(json.loads(db["bodies"].get(r["机关编号"])["aliases"]))
                site = db.execute("select site from bodies where id = ?", [r["机关编号"]]).fetchone()[0]
                assert not {(site, year, n) for n in names} & printed, f"{r['机关']} did publish for {year}"
            accused_by_printed_name += len({
                (site, agency) for site, agency in _missing_by_printed_name(db, year)
                if any(s == site and y == year and body_name(a, None, y, s, load_aliases())
                       == body_name(agency, None, year - 1, site, load_aliases()) for s, y, a in printed)})
    # the demo plants renamings: asked of printed names, the question would accuse bodies that published
    assert accused_by_printed_name >= 3


def test_every_cross_finding_has_its_region(crawled):
    db, _, _ = crawled
    rows = list(db.query("select 问题, 省, 区县 from 跨报告问题"))
    assert rows and all(r["省"] and r["区县"] for r in rows), [r for r in rows if not r["省"]][:3]


def test_a_partial_name_finds_the_body_or_its_candidates(crawled):
    from datasette.utils import tilde_encode

    _, _, path = crawled
    with datasette_client(path) as client:

        def rows(**params) -> list[dict]:
            r = client(f"/{path.stem}/{tilde_encode('同一机关两年对比')}.json", **params, _shape="objects")
            assert r.status_code == 200, r.text[:500]
            return r.json()["rows"]

        one = rows(机关="孟津区人民政府", 第一年度="2020", 第二年度="2021")  # printed 孟津县… then 洛阳市孟津区…
        assert {r["机关"] for r in one} == {"洛阳市孟津区人民政府"}
        total = next(r for r in one if r["项目"] == "一、本年新收政府信息公开申请数量·总计")
        assert total["第一年度数值"] is not None and total["第二年度数值"] is not None
        several = rows(机关="教育局", 第一年度="2022", 第二年度="2023")
        assert len(several) >= 4 and {r["部分"] for r in several} == {"候选机关"}
        assert "孟津区教育局" in {r["机关"] for r in several}
