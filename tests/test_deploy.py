"""The deploy/ artefacts as cron and systemd run them: the crawl script, its lock, the timers."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from crawler.demo.faults import FaultPlan
from crawler.demo.generator import build_demo_web
from crawler.demo.server import DemoWeb

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "nianbao-crawl.sh"
FAST = "--settings-module crawler.settings.tests --site yiyang"


@pytest.fixture
def web(shared_dir):
    with DemoWeb(corpus=build_demo_web(seed_dir=shared_dir / "seeds"), faults=FaultPlan()) as w:
        yield w


def cron(tmp_path: Path, registry: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DB": str(tmp_path / "archive.db"), "SITES": str(registry), "CRAWL_ARGS": FAST,
           "NIANBAO_LOG_DIR": str(tmp_path / "logs")}
    env.pop("MAKEFLAGS", None)
    return subprocess.run(["bash", str(SCRIPT), *args, str(ROOT)], env=env, capture_output=True, text=True,
                          timeout=600)


def test_the_cron_script_runs_the_night_then_the_full_pass_and_keeps_a_log_of_each(web, tmp_path):
    registry = web.write_registry(tmp_path / "demo.yaml")
    night = cron(tmp_path, registry)
    assert night.returncode == 0, night.stderr
    full = cron(tmp_path, registry, "--full")
    assert full.returncode == 0, full.stderr
    con = sqlite3.connect(tmp_path / "archive.db")
    runs = con.execute("select mode, status, reports_new, reports_unchanged from crawl_runs order by id").fetchall()
    reports = len(web.corpus.reports_of("yiyang"))
    assert runs == [("incremental", "ok", reports, 0), ("full", "ok", 0, reports)]
    logs = sorted(p.name.split("-")[0] for p in (tmp_path / "logs").iterdir())
    assert logs == ["crawl", "full"]


def test_the_cron_script_skips_a_night_while_a_crawl_holds_its_lock(web, tmp_path):
    registry = web.write_registry(tmp_path / "demo.yaml")
    with open(f"{tmp_path / 'archive.db'}.cron.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        skipped = cron(tmp_path, registry)
    assert skipped.returncode == 75 and "previous crawl still running" in skipped.stderr
    assert not (tmp_path / "archive.db").exists()


def test_a_failed_night_exits_non_zero_with_the_end_of_its_log_and_old_logs_are_pruned(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for n in range(70):
        (logs / f"crawl-20200101-{n:06d}.log").write_text("old night\n")
    (logs / "full-20200101-000000.log").write_text("old full pass\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("sites: [\n")
    night = cron(tmp_path, broken)
    assert night.returncode != 0
    assert "nianbao crawl failed" in night.stderr and str(broken) in night.stderr
    kept = sorted(p.name for p in logs.glob("crawl-*.log"))
    assert len(kept) == 60 and kept[0] == "crawl-20200101-000011.log"  # the 11 oldest went
    assert not kept[-1].startswith("crawl-2020")  # this night's log is kept
    assert (logs / "full-20200101-000000.log").exists()


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
@pytest.mark.parametrize("timer", ["nianbao-crawl.timer", "nianbao-crawl-full.timer", "nianbao-fleet.timer"])
def test_every_timer_calendar_parses(timer):
    calendars = re.findall(r"^OnCalendar=(.+)$", (ROOT / "deploy" / timer).read_text(), re.M)
    assert calendars
    for spec in calendars:
        checked = subprocess.run(["systemd-analyze", "calendar", spec], capture_output=True, text=True)
        assert checked.returncode == 0, (timer, spec, checked.stderr)
        assert "Next elapse:" in checked.stdout
