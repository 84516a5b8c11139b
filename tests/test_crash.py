"""Crash safety: a real crawl killed with SIGKILL mid-run, again and again, restarted, ends as if never killed.

The demo web runs in this process; each crawl is a real `python -m crawler
crawl` subprocess against it. Each kill is triggered by the crawl's own
progress, not by a timer: when the archive's documents rows reach the next of
four steps (a fifth, two fifths... of an uninterrupted crawl's), the crawl is
killed while it writes, so the kills land mid-run however fast or loaded the
machine is. After the kills and a final run to completion:
SQLite's integrity check passes, every WARC file is valid to its last record,
no report is lost or stored twice, and reports, cells and findings equal those
of an uninterrupted crawl of the same web.
"""

from __future__ import annotations

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
# The test profile, patient with a loaded machine (every page must arrive for the rows to be equal).
FAST = ["--settings-module", "crawler.settings.tests", "-s", "RETRY_TIMES=3"]
FSYNC = ["-s", "NIANBAO_WARC_FSYNC=True"]  # the killed crawls: a kill must find every record written
KILLS = 4


@pytest.fixture(scope="module")
def demo_web(tmp_path_factory, shared_dir):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    hosts = addresses(corpus)  # the sites' and the portals' loopback addresses
    web = DemoWeb(corpus=corpus, port=free_port(hosts))
    with web:
        registry = web.write_registry(tmp_path_factory.mktemp("registry") / "demo.yaml")
        yield corpus, registry


def crawl_command(db: Path, registry: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry),
            "--no-alarm-exit", *FAST, *extra]


def documents(db: Path) -> int:
    """documents rows committed so far (0 before the archive exists); read-only, never in the writer's way."""
    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("select count(*) from documents").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # the schema not made yet
        return 0


def run_until(db: Path, registry: Path, rows: int) -> bool:
    """A crawl, SIGKILLed once `rows` documents rows are committed; False if it ended before that."""
    proc = subprocess.Popen(crawl_command(db, registry, *FSYNC), cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and documents(db) < rows:
            time.sleep(0.02)
        if proc.poll() is not None:
            return False
        proc.send_signal(signal.SIGKILL)
        return True
    finally:
        proc.wait(timeout=60)



def test_sigkill_mid_run_loses_and_duplicates_nothing(demo_web, tmp_path):
    corpus, registry = demo_web
    clean_db = tmp_path / "clean" / "archive.db"
    clean_db.parent.mkdir()
    done = subprocess.run(crawl_command(clean_db, registry), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]

    crashed_db = tmp_path / "crashed" / "archive.db"
    crashed_db.parent.mkdir()
    total = documents(clean_db)
    steps = [total * k // (KILLS + 1) for k in range(1, KILLS + 1)]  # a fifth, two fifths, ... of the rows
    kills = sum(run_until(crashed_db, registry, rows) for rows in steps)
    print(f"SIGKILL x{kills} at {steps} of {total} documents rows")
    assert kills == KILLS, "a crawl finished before its kill"
    final = subprocess.run(crawl_command(crashed_db, registry, *FSYNC), cwd=ROOT, capture_output=True, text=True,
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
