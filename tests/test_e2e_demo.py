"""End to end: `nianbao demo --no-serve` crawls the demo web into archive.db, exactly.

The run's one demo crawl (conftest.py's `demo_archive`: a real subprocess, a
real demo web on loopback), copied and run a second time, is shared by the
tests of this module: every generated report is stored once with every cell
equal to its gold, no decoy is, the seed reads 200/200, a second run adds
nothing, and a real Datasette answers a JSON query for the seed's agency.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
import sqlite_utils

from crawler.demo.attached import kinds_for
from tests.helpers import ROOT, free_port, run_demo, snapshot

pytestmark = pytest.mark.slow

SEED_AGENCY = "孟津区先进制造业开发区"


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {t: db[t].count for t in ("reports", "cells", "findings", "documents", "report_versions")}


@pytest.fixture(scope="module")
def demo_db(demo_archive, demo_archive_copy):
    """The run's one demo crawl (conftest.py), copied, then `nianbao demo --no-serve` run again on the copy."""
    before = counts(sqlite_utils.Database(demo_archive_copy))
    second = run_demo(demo_archive_copy, demo_archive.port)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    after = counts(sqlite_utils.Database(demo_archive_copy))
    return {"path": demo_archive_copy, "db": sqlite_utils.Database(demo_archive_copy), "corpus": demo_archive.corpus,
            "port": demo_archive.port, "before": before, "after": after, "stdout": demo_archive.stdout}


def report_urls(demo_db) -> dict[str, object]:
    """Gold reports by the URL the demo web serves them at."""
    corpus, port = demo_db["corpus"], demo_db["port"]
    hosts = {s.slug: f"http://127.0.0.{11 + i}:{port}" for i, s in enumerate(corpus.sites)}
    return {hosts[r.site] + r.path: r for r in corpus.reports}


def test_every_generated_report_stored_once(demo_db):
    db = demo_db["db"]
    expected = report_urls(demo_db)
    stored = {r["url"] for r in db.query("select url from reports")}
    assert len(expected) >= 100
    assert stored == set(expected)
    assert db["reports"].count == len(expected)


def test_no_decoy_stored(demo_db):
    corpus = demo_db["corpus"]
    stored_paths = {urllib.parse.urlsplit(r["url"]).path for r in demo_db["db"].query("select url from reports")}
    assert corpus.decoys
    assert not stored_paths & {d.path for d in corpus.decoys}


def test_every_cell_equals_gold(demo_db):
    db = demo_db["db"]
    mismatches = []
    for url, rep in report_urls(demo_db).items():
        row = next(db.query("select id, template, year from reports where url = ?", [url]))
        assert (row["template"], row["year"]) == (rep.gold["template"], rep.gold["year"]), url
        got = {c["key"]: c["value"] for c in db.query("select key, value from cells where report_id = ?",
                                                      [row["id"]])}
        for key, value in rep.gold.get("cells", {}).items():
            g = got.get(key)
            if (g is None) != (value is None) or (g is not None and abs(float(g) - float(value)) > 1e-9):
                mismatches.append((url, key, g, value))
    assert mismatches == []


def test_file_only_reports_name_their_file(demo_db):
    """A report published only as a file: one row under its page, cells from the file, the file named."""
    db, corpus, port = demo_db["db"], demo_db["corpus"], demo_db["port"]
    hosts = {s.slug: f"http://127.0.0.{11 + i}:{port}" for i, s in enumerate(corpus.sites)}
    files = [r for r in corpus.reports if r.attachment]
    assert sorted(r.attachment_kind for r in files) == sorted(k for s in corpus.sites for k in kinds_for(s.slug))
    assert len(files) >= 2  # DOCX and XLSX even without LibreOffice
    for r in files:
        page, file = hosts[r.site] + r.path, hosts[r.site] + r.attachment
        rows = list(db.query("select * from reports where url in (?, ?)", [page, file]))
        assert len(rows) == 1 and rows[0]["url"] == page and rows[0]["source_url"] == file, r.attachment_kind
        docs = {d["url"]: d["id"] for d in db.query("select id, url from documents where url in (?, ?)", [page, file])}
        assert (rows[0]["document_id"], rows[0]["source_document_id"]) == (docs[page], docs[file])
        assert (rows[0]["title"], rows[0]["published"]) == (r.gold["title"], r.gold["published"])
        assert rows[0]["cells_count"] == sum(v is not None for v in r.gold["cells"].values())
    assert db["reports"].count_where("source_url is not null") == len(files)


def test_seed_report_reads_200_of_200(demo_db):
    """The seed is the report published on SEED_DATE (its body publishes other years too)."""
    from crawler.demo.generator import SEED_DATE

    db = demo_db["db"]
    (url,) = [u for u, r in report_urls(demo_db).items()
              if r.agency == SEED_AGENCY and r.published == SEED_DATE.isoformat()]
    row = next(db.query("select id, template, year from reports where url = ?", [url]))
    assert (row["template"], row["year"]) == ("2021", 2023)
    n = next(db.query("select count(*) n from cells where report_id = ? and value is not null", [row["id"]]))["n"]
    assert n == 200


def test_findings_match_planted_rules(demo_db):
    db = demo_db["db"]
    for url, rep in report_urls(demo_db).items():
        planted = sorted(set(rep.gold.get("planted_findings", [])))
        rules = sorted({f["rule"] for f in db.query(
            "select rule from findings join reports on reports.id = findings.report_id where reports.url = ?",
            [url])})
        assert rules == planted, url


def test_second_run_adds_nothing(demo_db):
    assert demo_db["before"] == demo_db["after"]
    runs = list(demo_db["db"].query("select reports_new, reports_changed from crawl_runs order by id"))
    assert len(runs) == 2
    assert runs[1]["reports_new"] == 0 and runs[1]["reports_changed"] == 0


def test_warc_files_are_valid(demo_db):
    archive = demo_db["path"].parent / "archive"
    files = sorted(archive.glob("*.warc.gz"))
    assert files
    for f in files:
        out = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(f)], capture_output=True, text=True)
        assert out.returncode == 0, out.stdout + out.stderr


def test_datasette_answers_for_the_seed_agency(demo_db):
    from crawler.publish.serve import serve_command_args

    port = free_port()
    args = serve_command_args(demo_db["path"], "127.0.0.1", port)
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = (f"http://127.0.0.1:{port}/archive/reports.json?_shape=array&year=2023&agency="
               + urllib.parse.quote(SEED_AGENCY))
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as resp:
                    assert resp.status == 200
                    rows = json.load(resp)
                break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.5)
        assert len(rows) == 1
        assert rows[0]["template"] == "2021" and rows[0]["cells_count"] == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_reextract_gives_the_same_rows_as_the_crawl(demo_db, tmp_path):
    """Rebuilt from the WARC files alone (no demo web needed), the database reads the same."""
    import shutil

    copy = tmp_path / "archive.db"
    shutil.copy(demo_db["path"], copy)
    shutil.copytree(demo_db["path"].parent / "archive", tmp_path / "archive")
    out = subprocess.run([sys.executable, "-m", "crawler", "reextract", "--db", str(copy), "--no-progress"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert f"re-extracted {len(demo_db['corpus'].reports)} reports" in out.stdout
    assert snapshot(copy) == snapshot(demo_db["path"])


def test_demo_discovers_its_columns_from_the_portals(demo_db):
    """Every demo run starts from the portals: each site's family and column count as discovered."""
    import re

    lines = re.findall(r"^discovered (\w+)\s+(\w+)\s+(\d+) columns in (\d+) requests", demo_db["stdout"], re.M)
    assert {slug: (family, int(n)) for slug, family, n, _ in lines} == {
        s.slug: (s.family, len(s.columns)) for s in demo_db["corpus"].sites}
    assert all(int(asked) <= 30 for *_, asked in lines)
    assert demo_db["db"]["sites"].count == 6
