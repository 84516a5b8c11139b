"""A crawl of a hostile site beside an ordinary one: bounded memory, every fault counted, the alarm, no soft-404 stored.

The hostile site (crawler/demo/hostile.py) lists 10,000 soft-404s and
title-only stubs under report titles, a gzip bomb served with an ETag,
redirects to itself, to file:, to localhost and to a link-local address,
and extractor bombs (a 418-byte PDF with a 14,400 pt page, a 250,000-cell
XLSX, 20,000 nested tables), among three real reports; the demo's mengjin
site is crawled at the same time, and finishes long before the hostile one
(extraction runs in a worker process, off the reactor). The crawl runs twice, so the bomb's
second answer is a 304 read back from the archive.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crawler.demo import bombs
from crawler.demo.hostile import REDIRECTS, SLUG, hostile_web
from crawler.demo.server import DemoWeb

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
N_SOFT = 10_000
FAST = ["--settings-module", "crawler.settings.tests", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
        "-s", "RETRY_TIMES=0", "-s", "LOG_LEVEL=ERROR"]


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * 4096
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def crawl(db: Path, registry: Path) -> tuple[subprocess.CompletedProcess, int]:
    """One `nianbao crawl` subprocess; (its result, the peak resident memory of it and its extractor workers)."""
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry),
                             *FAST], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample() -> None:
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            threading.Event().wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate(timeout=1200)
    sampler.join()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), peak[0]


def rows(db: Path, sql: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql)]
    finally:
        con.close()


@pytest.mark.timeout(2400)
def test_hostile_site_costs_only_itself(tmp_path, shared_dir):
    files = {"scan.pdf": (bombs.huge_page_pdf(), "application/pdf"),
             "cells.xlsx": (bombs.many_cells_xlsx(500, 500),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
             "nested.html": (bombs.nested_tables_html(20_000), "text/html; charset=utf-8")}
    corpus, plan, kinds = hostile_web(N_SOFT, seed_dir=shared_dir / "seeds", extractor_bombs=files,
                                      neighbours=("mengjin",))
    db = tmp_path / "archive.db"
    with DemoWeb(corpus=corpus, faults=plan) as web:
        registry = web.write_registry(tmp_path / "hostile.yaml")
        peaks = []
        for _night in (1, 2):
            result, peak = crawl(db, registry)
            peaks.append(peak)
            assert result.returncode == 2, result.stderr[-2000:]  # the alarm's exit status
            assert "Traceback" not in result.stderr
        base = web.bases[SLUG]
    print(f"peak RSS of the crawl and its extractor: {[p // 2**20 for p in peaks]} MB")
    assert max(peaks) < 1024 * 2**20

    first, second = (r for r in rows(db, f"select * from crawl_sites where site = '{SLUG}' order by run_id"))
    for night in (first, second):
        errors = json.loads(night["errors_json"])
        assert night["not_a_report"] == N_SOFT  # the soft-404s and the stubs
        assert errors["too_large"] == 1  # the gzip bomb: decompressed past the cap, then read back from the archive
        assert errors["redirect_self"] == 1 and errors["redirect_scheme"] == 1 and errors["redirect_private"] == 2
        assert night["alarm"] and "hostile" in night["alarm"]
        assert errors["extract"] == 3  # the PDF's page size, the XLSX's cells, the 20,000 tables: before the work
    assert second["not_modified"] >= N_SOFT  # the second night: 304s, the bomb's read back capped

    stored = {r["url"] for r in rows(db, f"select url from reports where site = '{SLUG}'")}
    real = {base + path for path, kind in kinds.items() if kind == "report"}
    assert stored == real  # the three real reports, and not one soft-404, stub, bomb or redirect
    assert len(real) == 3 and set(REDIRECTS) <= set(kinds.values())

    mengjin = rows(db, "select count(*) n from reports where site = 'mengjin'")[0]["n"]
    assert mengjin == len(corpus.reports_of("mengjin"))  # the neighbour, crawled at the same time, all stored
    neighbour = rows(db, "select alarm, finished from crawl_sites where site = 'mengjin' and run_id = 1")[0]
    assert neighbour["alarm"] is None
    assert neighbour["finished"] < first["finished"]  # it did not wait for the hostile site's 10,000 pages
