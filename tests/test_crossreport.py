"""Cross-report findings on the demo web: every planted kind found, nothing else.

One crawl (`python -m crawler demo --no-serve`, a real subprocess) is shared by
the module; the findings are then rebuilt with a pinned "today" and compared
with ``DemoCorpus.cross_gold``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from urllib.parse import urlencode

import pytest
import sqlite_utils

from crawler.crossreport import KINDS, rebuild_cross_findings
from crawler.crossreport.score import finding_keys, findings_on_clean_bodies, gold_keys, score
from crawler.demo.generator import build_demo_web
from tests.test_e2e_demo import free_port, run_demo

pytestmark = pytest.mark.slow

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, shared_dir):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    port = free_port(tuple(f"127.0.0.{11 + i}" for i in range(len(corpus.sites))))
    path = tmp_path_factory.mktemp("cross") / "archive.db"
    out = run_demo(path, port)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
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

    from crawler.datasette.serve import make_datasette

    db, _, path = crawled
    ds = make_datasette(path)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ds.invoke_startup())

        def get(name: str, fmt: str = ".json", **params):
            params = {"机关": "", "年度": "", **params}
            url = f"/{path.stem}/{tilde_encode(name)}{fmt}?" + urlencode({**params, "_shape": "objects"})
            r = loop.run_until_complete(ds.client.get(url))
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
    finally:
        loop.close()
