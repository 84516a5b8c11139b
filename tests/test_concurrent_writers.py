"""Two ingests, a crawl and `nianbao serve` on one archive at once: writers wait their turn, readers stay right.

Real processes: two `nianbao ingest` subprocesses, a `nianbao crawl` of one site of the demo web, and a
real Datasette (`nianbao serve`), polled while they write. A writer that cannot get the lock within the busy timeout exits 75 with
one line and stores nothing half way.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port

ROOT = Path(__file__).resolve().parents[1]


def nianbao(*args: str, env: dict | None = None, log: Path | None = None) -> subprocess.Popen:
    """`nianbao ARGS` as a process; a chatty one (serve, crawl) logs to a file: a full pipe would stall it."""
    out = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 (closed with the process's end)
    return subprocess.Popen([sys.executable, "-m", "crawler", *args], cwd=ROOT, stdout=out,
                            stderr=subprocess.STDOUT if log else subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def count(port: int, table: str) -> tuple[int, int]:
    """(HTTP status, rows) of a count through Datasette's JSON API."""
    url = f"http://127.0.0.1:{port}/archive.json?sql=select+count(*)+as+n+from+{table}&_shape=array"
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())[0]["n"]
    except urllib.error.HTTPError as e:
        return e.code, -1
    except urllib.error.URLError:  # not listening (yet)
        return 0, -1


def db_count(db: Path, table: str) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def reports(shared_dir: Path) -> list[Path]:
    return sorted((shared_dir / "corpus" / "pages").glob("*.txt"))[:8]


def test_two_ingests_a_crawl_and_serve_together(tmp_path: Path, reports: list[Path]):
    from crawler.demo.registry import registry_yaml
    from crawler.demo.server import DemoWeb

    db = tmp_path / "archive.db"
    first = subprocess.run([sys.executable, "-m", "crawler", "ingest", "--db", str(db), str(reports[0])],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    port = free_port()
    serve = nianbao("serve", "--db", str(db), "--port", str(port), log=tmp_path / "serve.log")
    try:
        deadline = time.monotonic() + 60
        while count(port, "documents")[0] != 200:
            assert serve.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()[-2000:]
            time.sleep(0.2)
        with DemoWeb() as web:
            registry = tmp_path / "demo.yaml"
            registry.write_text(registry_yaml(web.corpus, web.bases), encoding="utf-8")
            crawled = [r for r in web.corpus.reports if r.site == "xigong"]
            # a crawl of one demo site and two ingests with two files in common, started together
            crawl = nianbao("crawl", "--db", str(db), "--sites", str(registry), "--site", "xigong",
                            "--settings-module", "crawler.settings.tests",
                            log=tmp_path / "crawl.log")
            one = nianbao("ingest", "--db", str(db), *map(str, reports[:5]))
            two = nianbao("ingest", "--db", str(db), *map(str, reports[3:]))
            seen: list[tuple[int, int, int]] = []
            while one.poll() is None or two.poll() is None or crawl.poll() is None:
                (s1, documents), (s2, cells) = count(port, "documents"), count(port, "cells")
                seen.append((s1, documents, cells)) if s2 == 200 else seen.append((s2, documents, cells))
                time.sleep(0.05)
        out_one, err_one = one.communicate()
        out_two, err_two = two.communicate()
        crawl.wait()
        err_crawl = (tmp_path / "crawl.log").read_text()
        final = (count(port, "documents")[1], count(port, "cells")[1], count(port, "reports")[1])
    finally:
        serve.terminate()
        serve.wait(timeout=20)
    assert (one.returncode, two.returncode, crawl.returncode) == (0, 0, 0), err_one + err_two + err_crawl[-3000:]
    assert "Traceback" not in err_one + err_two + err_crawl
    print(f"\n{len(seen) * 2} Datasette reads while two ingests and a crawl wrote: statuses "
          f"{sorted({s for s, _, _ in seen})}, documents {seen[0][1]} → {seen[-1][1]}, cells {seen[0][2]} → {seen[-1][2]}")
    assert {s for s, _, _ in seen} == {200} and len(seen) >= 3
    documents = [d for _, d, _ in seen]
    cells = [c for _, _, c in seen]
    assert documents == sorted(documents) and cells == sorted(cells)  # never down while the ingests write
    # every file and every crawled report stored once, and Datasette sees what the file holds
    assert final == (db_count(db, "documents"), db_count(db, "cells"), db_count(db, "reports"))
    assert final[2] == 8 + len(crawled)
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from documents where source = 'file'").fetchone()[0] == 8
    assert con.execute("select count(distinct url) from reports").fetchone()[0] == final[2]
    assert con.execute("select count(*) from reports where site = 'xigong'").fetchone()[0] == len(crawled)
    con.close()
    assert final[1] > final[2] * 10
    assert len((out_one + out_two).splitlines()) == 10  # one line per file per ingest, none dropped


def test_a_writer_that_cannot_get_the_lock_exits_75_in_one_line(db_path: Path, reports: list[Path]):
    db = db_path
    first = subprocess.run([sys.executable, "-m", "crawler", "ingest", "--db", str(db), str(reports[0])],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("begin immediate")  # another writer holds the lock past the busy timeout
    try:
        busy = subprocess.run([sys.executable, "-m", "crawler", "ingest", "--db", str(db), *map(str, reports[1:3])],
                              cwd=ROOT, capture_output=True, text=True, timeout=300,
                              env={**os.environ, "NIANBAO_BUSY_TIMEOUT_MS": "300"})
    finally:
        holder.execute("rollback")
        holder.close()
    assert busy.returncode == 75
    lines = busy.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in busy.stderr
    assert "busy" in lines[0] and "2 file(s) not stored" in lines[0] and str(reports[1]) in lines[0]
    assert (db_count(db, "documents"), db_count(db, "reports")) == (1, 1)
