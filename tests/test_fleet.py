"""A fleet on this machine against two demo sites: workers and writer as processes, faults injected.

Every test ends with the same claim: each demo report is in archive.db once,
none lost. The demo web counts what it answered (crawler/fleet/demo.py's
HitLog), so "no URL fetched twice" is checked at the server.
"""

from __future__ import annotations

import json
import os
import pickle
import re
import signal
import sqlite3
import time
from pathlib import Path

import pytest
import redis

from crawler.demo.hits import HitLog
from crawler.fleet.demo import LocalFleet, wait_primed, write_registry
from crawler.fleet.keys import Keys, connect
from crawler.fleet.redisproc import RedisServer

pytestmark = pytest.mark.slow

SUBSET = ["mengjin", "xigong"]  # a dateid and a TRS site: ~90 pages, ~70 reports
KEYS = Keys()


@pytest.fixture(scope="module")
def demo():
    from crawler.demo.server import DemoWeb

    hits = HitLog().install()
    web = DemoWeb().start()
    yield web, hits
    web.stop()
    hits.uninstall()


@pytest.fixture
def fleet(demo, tmp_path):
    web, hits = demo
    hits.reset()
    hits.delay = 0.0
    with RedisServer(tmp_path / "redis", appendfsync="always") as server:  # as deploy/redis-fleet.conf
        f = LocalFleet(server.url, write_registry(web, tmp_path / "demo.yaml", SUBSET), tmp_path / "archive.db",
                       tmp_path)
        f.server = server
        try:
            yield f
        finally:
            f.stop()


def expected_urls(web) -> set[str]:
    return {web.bases[r.site] + r.path for r in web.corpus.reports if r.site in SUBSET}


def tally(db: Path, expected: set[str]) -> dict[str, int]:
    """expected / stored / duplicated / lost, and the run's row."""
    con = sqlite3.connect(db)
    urls = [u for (u,) in con.execute("select url from reports")]
    docs = con.execute("select count(*) - count(distinct url || sha256) from documents").fetchone()[0]
    runs = con.execute("select status, finished is not null from crawl_runs").fetchall()
    sites = {s for (s,) in con.execute("select site from crawl_sites")}
    return {"expected": len(expected), "stored": len(expected & set(urls)),
            "duplicated": len(urls) - len(set(urls)) + docs, "lost": len(expected - set(urls)),
            "runs": runs, "sites": sorted(sites), "missing": sorted(expected - set(urls))[:5]}


def wait_for(cond, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def finish(fleet: LocalFleet, workers: list[str]) -> None:
    codes = fleet.wait(workers, timeout=180)
    codes |= fleet.wait(["writer" if "writer" in fleet.procs and "writer2" not in fleet.procs else "writer2"],
                        timeout=120)
    assert all(c == 0 for c in codes.values()), (codes, {n: fleet.output(n)[-3000:] for n in codes})


def assert_every_report_once(fleet: LocalFleet, web, label: str) -> dict:
    t = tally(fleet.db, expected_urls(web))
    print(f"\n{label}: {t}")
    assert (t["stored"], t["duplicated"], t["lost"]) == (t["expected"], 0, 0)
    assert t["runs"] == [("ok", 1)]
    assert t["sites"] == sorted(SUBSET)
    return t


def test_two_polite_workers_fetch_every_url_once_and_store_every_report_once(fleet, demo):
    web, hits = demo
    # Politeness for the fleet as a whole: one request at a time per site, starts 100 ms apart.
    polite = {"NIANBAO_FLEET_SITE_CONCURRENCY": 1, "NIANBAO_FLEET_SITE_DELAY": 0.1, "DOWNLOAD_DELAY_JITTER": 0}
    fleet.writer()
    fleet.worker("w1", polite)
    fleet.worker("w2", polite)
    finish(fleet, ["w1", "w2"])
    assert_every_report_once(fleet, web, "two workers")
    assert hits.twice() == {}
    assert set(hits.max_in_flight.values()) == {1}
    gaps = hits.gaps()  # shown, not asserted: tests never assert on wall-clock time (bench/fleet.py measures it)
    print(f"per-site gaps: min {gaps[0]:.3f}s, median {gaps[len(gaps) // 2]:.3f}s; max in flight {hits.max_in_flight}")
    for name in ("w1", "w2", "writer"):  # scrapy-redis 0.9.1 on Scrapy 2.19, without its deprecated calls
        assert "Deprecat" not in fleet.output(name)
    done = [json.loads((fleet.workdir / f"{w}.json").read_text()) for w in ("w1", "w2")]
    assert all(d["documents"] > 0 for d in done), done  # both workers took part
    con = sqlite3.connect(fleet.db)  # the run's end refreshed what Datasette reads
    assert con.execute("select count(*) from report_facts").fetchone() == con.execute(
        "select count(*) from reports").fetchone()
    con.close()


def test_a_second_night_skips_reports_whose_list_entry_is_unchanged(fleet, demo):
    web, hits = demo
    fleet.writer()
    fleet.worker("w1")
    finish(fleet, ["w1"])
    first = hits.pages()
    hits.reset()
    fleet.writer(name="writer2")  # the next night: same Redis, same archive.db
    wait_primed(fleet.server.url)
    fleet.worker("w2")
    finish(fleet, ["w2"])
    con = sqlite3.connect(fleet.db)
    runs = con.execute("select id, status from crawl_runs order by id").fetchall()
    skipped, seen, alarms = con.execute("select sum(reports_skipped), sum(reports_seen), count(alarm) "
                                        "from crawl_sites where run_id = 2").fetchone()
    print(f"\nsecond night: {hits.pages()} URLs (first: {first}), {skipped} reports skipped, {seen} fetched")
    assert runs == [(1, "ok"), (2, "ok")]
    assert skipped > 0 and alarms == 0
    assert hits.pages() < first / 2
    assert con.execute("select count(*) from reports").fetchone()[0] == len(expected_urls(web))


def test_a_killed_workers_requests_are_crawled_by_another(fleet, demo):
    web, hits = demo
    hits.delay = 0.1  # keep requests in flight
    fleet.writer()
    fleet.worker("w1")
    client = connect(fleet.server.url)
    processing = KEYS.processing("dateid"), KEYS.processing("trs")
    wait_for(lambda: hits.pages() >= 15 and sum(client.zcard(k) for k in processing) > 0, what="leases")
    fleet.procs["w1"].send_signal(signal.SIGKILL)
    fleet.procs["w1"].wait()
    leased = {pickle.loads(m)["url"] for k in processing for m in client.zrange(k, 0, -1)}
    assert leased
    hits.delay = 0.0
    fleet.worker("w2")
    finish(fleet, ["w2"])
    assert_every_report_once(fleet, web, f"worker kill -9 ({len(leased)} leased)")
    assert json.loads((fleet.workdir / "w2.json").read_text())["requeued"] >= len(leased)
    con = sqlite3.connect(fleet.db)
    archived = {u for (u,) in con.execute("select url from documents")}
    assert leased <= archived


def test_a_worker_leaving_gives_its_leases_back_at_once(fleet, demo):
    web, hits = demo
    hits.delay = 0.1
    fleet.writer()
    fleet.worker("w1")
    client = connect(fleet.server.url)
    processing = KEYS.processing("dateid"), KEYS.processing("trs")
    wait_for(lambda: hits.pages() >= 15 and sum(client.zcard(k) for k in processing) > 0, what="leases")
    fleet.procs["w1"].send_signal(signal.SIGINT)  # Ctrl-C: Scrapy's graceful shutdown
    assert fleet.procs["w1"].wait(60) == 0
    assert sum(client.zcard(k) for k in processing) == 0  # nothing left to expire
    hits.delay = 0.0
    fleet.worker("w2")
    finish(fleet, ["w2"])
    assert_every_report_once(fleet, web, "worker SIGINT")
    assert json.loads((fleet.workdir / "w2.json").read_text())["requeued"] == 0


def test_a_killed_writer_resumes_from_unacknowledged_entries(fleet, demo):
    web, hits = demo
    client = connect(fleet.server.url)
    fleet.worker("w1")
    fleet.worker("w2")
    wait_for(lambda: client.exists(KEYS.stream) and client.xlen(KEYS.stream) >= 60, what="a backlog")
    fleet.writer(consumer="writer-a")

    def pending() -> int:
        try:
            return client.xpending(KEYS.stream, KEYS.group)["pending"]
        except redis.ResponseError:  # the writer has not created its group yet
            return 0

    def stored() -> int:
        try:
            return sqlite3.connect(fleet.db).execute("select count(*) from documents").fetchone()[0]
        except sqlite3.Error:
            return 0

    wait_for(lambda: stored() >= 5 and pending() > 0, what="the writer mid-way, holding unacknowledged entries")
    os.kill(fleet.procs["writer"].pid, signal.SIGKILL)
    fleet.procs["writer"].wait()
    unacked = pending()
    fleet.writer(name="writer2", consumer="writer-b")  # another consumer: XAUTOCLAIM of the dead one's
    finish(fleet, ["w1", "w2"])
    assert_every_report_once(fleet, web, f"writer kill -9 ({unacked} unacknowledged)")
    reclaimed = int(re.search(r"(\d+) reclaimed", fleet.output("writer2")).group(1))
    assert unacked > 0 and reclaimed >= unacked


@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "kill-9"])
def test_the_crawl_survives_a_redis_restart(fleet, demo, kill):
    web, hits = demo
    hits.delay = 0.02
    fleet.writer()
    fleet.worker("w1")
    fleet.worker("w2")
    wait_for(lambda: hits.pages() >= 30, what="the crawl to be under way")
    fleet.server.restart(kill=kill)  # AOF (fsync always): workers and writer ride out the gap
    finish(fleet, ["w1", "w2"])
    assert_every_report_once(fleet, web, f"redis restart ({'kill -9' if kill else 'SIGTERM'})")
    # A reply lost with the connection makes the client retry: a pop may then hand out a second request,
    # and the first one's lease expires and is fetched again. Rare, and never a loss.
    print(f"URLs answered twice after the restart: {len(hits.twice())}")
