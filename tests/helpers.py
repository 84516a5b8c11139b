"""Helpers shared by the tests: free ports, crawls as subprocesses, a served archive, snapshots, the browser.

Test modules import from here (or take a fixture of conftest.py), never from one another.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

from crawler import schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NIANBAO_SHARED", ROOT.parent / "shared"))
# The tests settings profile: delays lifted, no WARC fsync (crawls as `nianbao crawl` subprocesses).
TESTS_PROFILE = ["--settings-module", "crawler.settings.tests"]


def free_port(hosts: tuple[str, ...] = ("127.0.0.1",)) -> int:
    """A port free on every given loopback address (the demo binds one port on several)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ok = True
        for host in hosts:
            with socket.socket() as s:
                try:
                    s.bind((host, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no free port")


def snapshot(db_path: Path) -> dict[str, set]:
    con = sqlite3.connect(db_path)
    try:
        return {
            "reports": set(con.execute("select url, title, agency, year, template, published, cells_count, "
                                       "findings_count, text from reports")),
            "cells": set(con.execute("select r.url, c.key, c.value, c.raw, c.method from cells c "
                                     "join reports r on r.id = c.report_id")),
            "findings": set(con.execute("select r.url, f.rule, f.key, f.detail from findings f "
                                        "join reports r on r.id = f.report_id")),
            "documents": set(con.execute("select url, sha256 from documents where status = 200")),
        }
    finally:
        con.close()


@contextmanager
def served_datasette(db_path: Path, log_path: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """A real `datasette serve` on the archive, as `nianbao serve` starts it: its base URL while it runs."""
    from crawler.publish.serve import serve_command_args

    port = free_port()
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(serve_command_args(db_path, "127.0.0.1", port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start on {db_path} (log: {log_path})") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()


@contextmanager
def datasette_client(db_path: Path) -> Iterator:
    """`get(path, **params)`: a sync GET on an in-process Datasette serving db_path as `nianbao serve` does."""
    from crawler.publish.serve import make_datasette

    ds = make_datasette(db_path)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ds.invoke_startup())

        def get(path: str, **params):
            url = path + ("?" + urlencode(params, doseq=True) if params else "")
            return loop.run_until_complete(ds.client.get(url))

        yield get
    finally:
        loop.close()


def run_demo(db: Path, web_port: int) -> subprocess.CompletedProcess:
    """`nianbao demo --no-serve`: the demo web on `web_port`, crawled from its portals into `db`."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(
        [sys.executable, "-m", "crawler", "demo", "--no-serve", "--db", str(db), "--web-port", str(web_port)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


def query(db: Path, sql: str, params: tuple = ()) -> list[dict]:
    """Rows of one query on archive.db, as dicts (a connection of its own, closed after)."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(sql, params)]
    finally:
        con.close()


ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(db_path, name: str, **params) -> list[dict]:
    """(id, title, content) of every entry of one feed, from a Datasette started on the archive as it is."""
    from datasette.utils import tilde_encode

    with datasette_client(db_path) as get:
        r = get(f"/archive/{tilde_encode(name)}.atom", **{"地区": "", "类型": "", **params})
    assert r.status_code == 200, r.text
    root = ET.fromstring(r.content)
    return [{"id": e.findtext(f"{ATOM}id"), "title": e.findtext(f"{ATOM}title"),
             "content": e.findtext(f"{ATOM}content") or ""} for e in root.iter(f"{ATOM}entry")]


def second_crawl(db_path) -> None:
    """Report 1 (洛阳市孟津区人民政府 2019) changed at its source: two cells differ, rule 2 broken; report 2 gone."""
    import sqlite_utils

    from crawler.derive.views import install_views
    from crawler.extract.checks import check_report
    from crawler.extract.model import Report
    from crawler.publish.fixtures import REPORTS, report_cells
    from crawler.record.store import store_report

    db = sqlite_utils.Database(db_path)
    r = REPORTS[0]
    row = next(db.query("select * from reports where id = 1"))
    cells = report_cells(r, row["template"])
    cells["requests.granted.total"] = cells["requests.granted.total"] + 7
    report = Report(template=row["template"], year=row["year"], agency=row["agency"], title=row["title"],
                    published=row["published"], published_source="text", cells=cells,
                    findings=check_report(cells, row["template"]), text=row["text"])
    with db.conn:
        store_report(db, site=row["site"], url=row["url"], report=report, document_id=row["document_id"],
                     document_sha256="0" * 64, fetched_at="2026-12-02T01:00:00+00:00",
                     body_level=row["body_level"], column_name="政府信息公开年报")
        db.execute("update reports set gone_since = '2026-12-02T01:00:00+00:00' where id = 2")
    install_views(db)
    db.conn.close()


# -- the browser tests: Debian's Chromium through Playwright ---------------------------------

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# NIANBAO_SCREENSHOTS=docs/screenshots refreshes the README's pictures; by default a test run
# leaves the working tree alone and writes them to a temporary directory.
SCREENSHOTS = Path(os.environ.get("NIANBAO_SCREENSHOTS") or Path(tempfile.gettempdir()) / "nianbao-screenshots")


def col(name: str) -> str:
    """The cells of one column (Datasette hashes non-ASCII column names into the CSS class)."""
    from datasette.utils import to_css_class

    return f"td.col-{to_css_class(name)}"


def shot(pg, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)


def make_gold(template: str, seed: int, blanks: bool = False) -> dict:
    """A complete gold: small and large counts, decimals, negative changes, every rule satisfied.

    ``blanks=True`` leaves zeros blank (None) as many bodies print them: mostly empty tables.
    """
    rng = random.Random(seed)
    rows = schema.template_rows(template)
    cells: dict[str, int | float] = {}
    for r in rows["proactive"]:
        for c in r.columns:
            key = f"proactive.{r.key}.{c}"
            if key in schema.DECIMAL_CELLS:
                cells[key] = round(rng.uniform(0.5, 900), rng.choice((1, 2)))
            elif c in schema.SIGNED_COLUMNS:
                cells[key] = rng.randint(-9, 9)
            else:
                cells[key] = rng.choice((0, rng.randint(1, 30), rng.randint(100, 9999)))
    results = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
    for col in schema.APPLICANT_COLUMNS:
        done = {r: rng.randint(0, 40) if rng.random() < 0.5 else 0 for r in results}
        total, forward = sum(done.values()), rng.randint(0, 5)
        over = min(rng.randint(0, 4), total + forward)
        column = {"new_received": total + forward - over, "carried_over": over, **done,
                  "results_total": total, "carried_forward": forward}
        for row, value in column.items():
            cells[f"requests.{row}.{col}"] = value
    for r in rows["requests"]:
        cells[f"requests.{r.key}.total"] = sum(cells[f"requests.{r.key}.{c}"] for c in schema.APPLICANT_COLUMNS)
    for r in schema.APPEALS:
        parts = [rng.randint(0, 12) for _ in range(4)]
        for c, v in zip(schema.APPEAL_COLUMNS, [*parts, sum(parts)], strict=True):
            cells[f"appeals.{r.key}.{c}"] = v
    if blanks:
        cells = {k: (None if v == 0 and k.startswith(("requests", "appeals")) else v) for k, v in cells.items()}
    year = rng.choice((2021, 2022, 2023, 2024)) if template == "2021" else rng.choice((2019, 2020))
    return {"source": f"gold-{template}-{seed}", "template": template, "year": year,
            "agency": f"{rng.choice(('洛阳市孟津区', '淮安市洪泽区', '平潭综合实验区'))}人民政府",
            "cells": cells, "complete": True}
