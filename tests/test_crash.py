"""Crash safety: a real crawl killed with SIGKILL at random moments, restarted, ends as if never killed.

The demo web runs in this process; each crawl is a real `python -m crawler
crawl` subprocess against it. After the kills and a final run to completion:
SQLite's integrity check passes, every WARC file is valid to its last record,
no report is lost or stored twice, and reports, cells and findings equal those
of an uninterrupted crawl of the same web.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.demo.generator import build_demo_web
from crawler.demo.server import DemoWeb, addresses
from tests.helpers import free_port, snapshot

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# The test profile, fsync on (a kill must find every record written), two requests per site (kills land mid-run).
FAST = ["--settings-module", "crawler.settings.tests", "-s", "NIANBAO_WARC_FSYNC=True",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "-s", "RETRY_TIMES=3"]
KILLS = 4


@pytest.fixture(scope="module")
def demo_web(tmp_path_factory, shared_dir):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    hosts = addresses(corpus)  # the sites' and the portals' loopback addresses
    web = DemoWeb(corpus=corpus, port=free_port(hosts))
    with web:
        registry = web.write_registry(tmp_path_factory.mktemp("registry") / "demo.yaml")
        yield corpus, registry


def crawl_command(db: Path, registry: Path) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry),
            "--no-alarm-exit", *FAST]




def test_sigkill_at_random_moments_loses_and_duplicates_nothing(demo_web, tmp_path):
    corpus, registry = demo_web
    clean_db = tmp_path / "clean" / "archive.db"
    clean_db.parent.mkdir()
    done = subprocess.run(crawl_command(clean_db, registry), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    crashed_db = tmp_path / "crashed" / "archive.db"
    crashed_db.parent.mkdir()
    rng = random.Random(20240126)
    kills = 0
    for _ in range(KILLS):
        proc = subprocess.Popen(crawl_command(crashed_db, registry), cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 7.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=60)
    print(f"SIGKILL x{kills}")
    assert kills >= 2, "the crawl finished before it could be killed"
    final = subprocess.run(crawl_command(crashed_db, registry), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert final.returncode == 0, final.stderr[-3000:]

    con = sqlite3.connect(crashed_db)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    dupes = con.execute("select count(*) - count(distinct url) from reports").fetchone()[0]
    con.close()
    assert dupes == 0

    for warc in sorted((crashed_db.parent / "archive").glob("*.warc.gz")):
        check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(warc)], capture_output=True,
                               text=True)
        assert check.returncode == 0, f"{warc.name}: {check.stdout}{check.stderr}"
    assert not list((crashed_db.parent / "archive").glob("*.writing"))

    clean, crashed = snapshot(clean_db), snapshot(crashed_db)
    assert len(clean["reports"]) == len(corpus.reports)
    for table in ("reports", "cells", "findings", "documents"):
        assert crashed[table] == clean[table], table
