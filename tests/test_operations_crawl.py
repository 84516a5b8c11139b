"""The nightly crawl against the demo web: incremental re-crawls, a bad night, a kill, the lock.

The demo web runs in this process (ETag/304 on, faults from
crawler/demo/faults.py); every crawl is a real `python -m crawler crawl`
subprocess (Twisted's reactor starts once per process) on two or three demo
sites with the delays lifted.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.faults import Fault, FaultPlan, add_reports, edit_report
from crawler.demo.generator import build_demo_web
from crawler.demo.hits import HitLog
from crawler.demo.server import DemoWeb
from tests.helpers import ROOT, TESTS_PROFILE, query

pytestmark = pytest.mark.slow

FAST = TESTS_PROFILE


@pytest.fixture
def web(shared_dir):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    with DemoWeb(corpus=corpus, faults=FaultPlan()) as w:
        yield w


def command(db: Path, registry: Path, sites: list[str], *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry),
            *[a for s in sites for a in ("--site", s)], *FAST, *extra]


def run(db: Path, registry: Path, sites: list[str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(command(db, registry, sites, *extra), cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def last_run(db: Path) -> dict:
    return query(db, "select * from crawl_runs order by id desc limit 1")[0]


def site_rows(db: Path, run_id: int) -> dict[str, dict]:
    return {r["site"]: r for r in query(db, "select * from crawl_sites where run_id = ?", (run_id,))}


def test_incremental_recrawl_fetches_page_one_and_what_changed(web, tmp_path):
    registry = web.write_registry(tmp_path / "demo.yaml")
    db, sites = tmp_path / "archive.db", ["yiyang", "jinshui"]
    first = run(db, registry, sites)
    assert first.returncode == 0, first.stderr
    stored = query(db, "select count(*) n, count(list_date) d from reports")[0]
    assert stored["n"] == stored["d"] == 32 + 34

    with HitLog() as hits:  # what was asked for, counted at the server
        second = run(db, registry, sites)
    assert second.returncode == 0, second.stderr
    run2 = last_run(db)
    columns = {web.bases[s.slug] + c.path for s in web.corpus.sites if s.slug in sites for c in s.columns}
    assert hits.fetched() == columns  # page 1 of each column, nothing else
    assert run2["not_modified"] == len(columns) + len(sites)  # robots.txt too
    assert run2["reports_new"] == run2["reports_changed"] == 0
    assert run2["reports_skipped"] > 0 and run2["status"] == "ok"
    seen = query(db, "select count(*) n from reports where last_seen = ?", (run2["started"],))[0]["n"]
    assert seen == run2["reports_skipped"]  # listed, unchanged: seen without a fetch
    assert run2["response_bytes"] < 0.05 * last_run_bytes(db, 1)

    added = add_reports(web.corpus, "yiyang", 3)
    edited = edit_report(web.corpus, "yiyang")
    with HitLog() as hits:
        third = run(db, registry, sites)
    assert third.returncode == 0, third.stderr
    run3 = last_run(db)
    base = web.bases["yiyang"]
    reports = {r["url"] for r in query(db, "select url from reports")}
    assert hits.fetched() & reports == {base + r.path for r in added} | {base + edited.path}
    assert (run3["reports_new"], run3["reports_changed"]) == (3, 1)
    row = query(db, "select version, list_date from reports where url = ?", (base + edited.path,))[0]
    assert row == {"version": 2, "list_date": "2026-11-20"}

    full = run(db, registry, sites, "--full")  # the weekly pass: everything asked for, all answered 304
    assert full.returncode == 0, full.stderr
    run4 = last_run(db)
    assert run4["mode"] == "full" and run4["reports_skipped"] == 0
    assert (run4["reports_new"], run4["reports_changed"], run4["reports_unchanged"]) == (0, 0, 32 + 34 + 3)
    assert run4["requests"] >= 32 + 34 + 3 + len(columns)
    assert run4["response_bytes"] < 0.05 * last_run_bytes(db, 1)  # nearly all 304 (a list page the edit moved is not)


def last_run_bytes(db: Path, run_id: int) -> int:
    return query(db, "select response_bytes from crawl_runs where id = ?", (run_id,))[0]["response_bytes"]


def _faults(web: DemoWeb) -> tuple[FaultPlan, dict[str, dict[str, int]]]:
    """A bad night on three sites; returns the plan and the errors each site must count."""
    plan = FaultPlan()
    mj = [r.path for r in web.corpus.reports_of("mengjin") if r.template != "legacy"]
    yy = [r.path for r in web.corpus.reports_of("yiyang") if r.template != "legacy"]
    plan.add("mengjin", mj[0], Fault("waf412"))
    plan.add("mengjin", mj[1], Fault("waf521"))
    plan.add("mengjin", mj[2], Fault("redirect_loop"))
    plan.add("mengjin", mj[3], Fault("oversized", size=400_000))
    plan.add("mengjin", mj[4], Fault("gbk_as_utf8"))
    plan.add("mengjin", mj[5], Fault("layout_changed"))
    plan.add("mengjin", mj[6], Fault("waf_aliyun"))
    plan.add("mengjin", "/list/4032_2.html", Fault("gbk_as_utf8"))
    plan.add("mengjin", "/list/4031.html", Fault("slow", seconds=0.5))
    plan.add("yiyang", yy[0], Fault("status", status=503, retry_after="1", times=1))
    plan.add("yiyang", yy[1], Fault("status", status=500))
    plan.add("yiyang", yy[2], Fault("hang", seconds=4))
    plan.add("yiyang", yy[3], Fault("truncated", times=1))
    for column in web.corpus.site("jinshui").columns:
        plan.add("jinshui", column.path, Fault("empty_column"))
    expected = {"mengjin": {"waf_blocked": 3, "redirect_loop": 1, "too_large": 1},
                "yiyang": {"http_503": 1, "http_500": 2, "timeout": 2, "truncated": 1},
                "jinshui": {}}
    return plan, expected


def test_fault_mode_run_counts_every_fault_and_alarms_the_redesign(web, tmp_path):
    registry = web.write_registry(tmp_path / "demo.yaml")
    db = tmp_path / "archive.db"
    before = run(db, registry, ["jinshui"])  # jinshui yields reports before its redesign
    assert before.returncode == 0, before.stderr

    plan, expected = _faults(web)
    web.faults = plan
    bad = run(db, registry, ["mengjin", "yiyang", "jinshui"], "-s", "DOWNLOAD_TIMEOUT=3",
              "-s", "DOWNLOAD_MAXSIZE=300000", "-s", "REDIRECT_MAX_TIMES=3")
    assert bad.returncode == 2, bad.stdout + bad.stderr  # --alarm-exit is the default
    assert "ALARM jinshui" in bad.stderr
    night = last_run(db)
    assert night["status"] == "alarm" and night["alarms"] == 1
    rows = site_rows(db, night["id"])
    for site, errors in expected.items():
        assert json.loads(rows[site]["errors_json"]) == errors, site
        assert rows[site]["errors"] == sum(errors.values())
    assert rows["jinshui"]["alarm"] and not rows["mengjin"]["alarm"] and not rows["yiyang"]["alarm"]
    assert rows["mengjin"]["close_reason"] == "finished"

    # nothing stored twice, nothing stored from a challenge page, the rest stored once
    dupes = query(db, "select url, count(*) n from reports group by url having n > 1")
    assert dupes == []
    assert query(db, "select count(*) n from report_versions where version > 1")[0]["n"] == 0
    mj = web.bases["mengjin"]
    faulty = [mj + p for (slug, p), f in plan.rules.items() if slug == "mengjin" and f.kind in
              ("waf412", "waf521", "waf_aliyun", "redirect_loop", "oversized")]
    stored = {r["url"] for r in query(db, "select url from reports where site = 'mengjin'")}
    assert not stored & set(faulty)
    assert len(stored) == len(web.corpus.reports_of("mengjin")) - 5
    gold = {r.path: r for r in web.corpus.reports_of("mengjin")}
    for (slug, path), fault in plan.rules.items():  # read whatever their bytes or layout
        if slug == "mengjin" and fault.kind in ("gbk_as_utf8", "layout_changed") and "/list/" not in path:
            row = query(db, "select cells_count, title from reports where url = ?", (mj + path,))[0]
            cells = sum(1 for v in gold[path].gold["cells"].values() if v is not None)
            assert (row["cells_count"], row["title"]) == (cells, gold[path].title), fault.kind
    yy = {r["url"] for r in query(db, "select url from reports where site = 'yiyang'")}
    assert len(yy) == len(web.corpus.reports_of("yiyang")) - 2  # the 500 and the hang
    health = {r["site"]: r for r in query(db, "select * from site_health")}
    assert health["jinshui"]["status"] == "alarm" and health["yiyang"]["status"] == "errors"

    quiet = run(db, registry, ["jinshui"], "--no-alarm-exit")
    assert quiet.returncode == 0, quiet.stderr
    assert site_rows(db, last_run(db)["id"])["jinshui"]["alarm"]


def _snapshot(db: Path) -> tuple[list, list]:
    reports = query(db, "select url, title, year, template, cells_count, findings_count, list_date from reports "
                        "order by url")
    cells = query(db, "select r.url, c.key, c.value from cells c join reports r on r.id = c.report_id "
                      "order by r.url, c.key")
    return reports, [tuple(c.values()) for c in cells]


def test_killed_crawl_resumes_to_the_same_archive_and_a_second_crawl_is_locked_out(web, tmp_path):
    registry = web.write_registry(tmp_path / "demo.yaml")
    sites = ["yiyang", "jinshui"]
    whole = tmp_path / "whole.db"
    assert run(whole, registry, sites).returncode == 0

    for slug in sites:  # slow report pages, so that the kill lands halfway
        for r in web.corpus.reports_of(slug):
            web.faults.add(slug, r.path, Fault("slow", seconds=0.2))
    db = tmp_path / "archive.db"
    proc = subprocess.Popen(command(db, registry, sites, "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (db.exists() and _count(db, "crawl_runs")):
            time.sleep(0.05)
        second = run(db, registry, sites)
        assert second.returncode == 1 and "another crawl is running" in second.stderr
        while time.monotonic() < deadline and _count(db, "reports") < 8:
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    kept = {r["url"] for r in query(db, "select url from reports where list_date is not null")}
    assert 0 < len(kept) < 66

    web.faults.rules.clear()
    with HitLog() as hits:  # counted at the server: the archive's timestamps have one-second resolution
        restart = run(db, registry, sites)
    assert restart.returncode == 0, restart.stderr
    runs = query(db, "select status, mode from crawl_runs order by id")
    assert runs == [{"status": "killed", "mode": "incremental"}, {"status": "ok", "mode": "resume"}]
    assert _snapshot(db) == _snapshot(whole)
    every = {r["url"] for r in query(db, "select url from reports")}
    assert len(every) == 66
    assert not hits.fetched() & kept  # what the killed run stored is not fetched again
    assert every - kept <= hits.fetched()  # the rest is


def _count(db: Path, table: str) -> int:
    try:
        return query(db, f"select count(*) n from {table}")[0]["n"]
    except sqlite3.OperationalError:
        return 0


def scrapy_crawl(db: Path, registry: Path, family: str, site: str, *extra: str) -> subprocess.CompletedProcess:
    """`scrapy crawl FAMILY` as the README gives it, on the test profile (SCRAPY_SETTINGS_MODULE)."""
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings.tests"}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", family, "-a", f"registry={registry}",
                           "-a", f"site={site}", "-s", f"NIANBAO_DB={db}", *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_scrapy_crawl_records_its_run_like_nianbao_crawl(web, tmp_path):
    """crawler.crawl.extensions: one crawl_runs row per `scrapy crawl`, its site's row, incremental the second
    time; `nianbao crawl` on the same archive adds its own run once (the extension stands aside)."""
    registry = web.write_registry(tmp_path / "demo.yaml")
    db = tmp_path / "archive.db"
    first = scrapy_crawl(db, registry, "dateid", "mengjin")
    assert first.returncode == 0, first.stderr
    runs = query(db, "select * from crawl_runs")
    assert len(runs) == 1
    run1 = runs[0]
    stored = query(db, "select count(*) n from reports where site = 'mengjin'")[0]["n"]
    assert stored == 34
    assert (run1["status"], run1["mode"], run1["sites"], run1["registry"]) == ("ok", "incremental", 1, str(registry))
    assert run1["finished"] and run1["reports_new"] == stored and run1["alarms"] == 0
    assert run1["requests"] > stored and run1["pages"] > stored
    rows = site_rows(db, run1["id"])
    assert list(rows) == ["mengjin"]
    site = rows["mengjin"]
    assert (site["spider"], site["close_reason"], site["alarm"], site["errors"]) == ("dateid", "finished", None, 0)
    assert site["reports_seen"] == site["reports_new"] == stored
    assert query(db, "select count(*) n from report_facts")[0]["n"] == stored  # derived data refreshed

    second = scrapy_crawl(db, registry, "dateid", "mengjin")  # known reports skipped, as `nianbao crawl` does
    assert second.returncode == 0, second.stderr
    run2 = last_run(db)
    assert run2["id"] == run1["id"] + 1 and run2["status"] == "ok"
    assert run2["reports_new"] == run2["reports_changed"] == 0 and run2["reports_skipped"] > 0
    assert site_rows(db, run2["id"])["mengjin"]["reports_skipped"] == run2["reports_skipped"]

    by_runner = run(db, registry, ["mengjin"])
    assert by_runner.returncode == 0, by_runner.stderr
    assert [r["id"] for r in query(db, "select id from crawl_runs order by id")] == [1, 2, 3]
    assert list(site_rows(db, 3)) == ["mengjin"] and last_run(db)["status"] == "ok"
