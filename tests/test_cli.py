"""The CLI: JSON out, one-line errors naming the file, every command documented."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from crawler.cli.main import main


def test_extract_prints_canonical_json(seed_path):
    result = CliRunner().invoke(main, ["extract", str(seed_path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["template"], out["year"]) == ("2021", 2023)
    assert out["cells"]["requests.new_received.total"] == 0
    assert len(out["cells"]) == 200
    assert set(out) >= {"template", "year", "agency", "published", "cells", "raw", "method", "findings"}


def test_extract_missing_file_is_one_line_error(tmp_path):
    missing = tmp_path / "nope.html"
    result = CliRunner().invoke(main, ["extract", str(missing)])
    assert result.exit_code != 0
    assert "nope.html" in result.output


def test_python_dash_m_is_the_same_cli():
    out = subprocess.run([sys.executable, "-m", "crawler", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("demo", "crawl", "extract", "ingest", "reextract", "serve"):
        assert command in out.stdout


def test_every_command_has_an_example():
    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, name


def test_crawl_names_unknown_sites(tmp_path):
    result = CliRunner().invoke(main, ["crawl", "--db", str(tmp_path / "a.db"), "--site", "mengjin", "--site", "nope"])
    assert result.exit_code == 1
    assert "no site named nope" in result.output


def test_ingest_reports_each_file_and_stores_the_seed(tmp_path, seed_path):
    import sqlite3

    bad = tmp_path / "bad.html"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(seed_path), str(bad)])
    assert result.exit_code == 1  # one bad file: named, the rest stored
    assert f"{seed_path}: new (template 2021, year 2023, 200 cells)" in result.output
    assert "bad.html: " in result.output
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from reports where url like 'file:%'").fetchone()[0] == 1
    assert con.execute("select count(*) from documents where source = 'file'").fetchone()[0] == 2


def test_ingest_of_a_saved_soft_404_archives_it_and_stores_no_report(tmp_path):
    import sqlite3

    stub = tmp_path / "stub.html"
    stub.write_text("<html><head><title>2023年政府信息公开工作年度报告</title></head>"
                    "<body><h1>对不起，您访问的页面不存在</h1></body></html>", encoding="utf-8")
    db = tmp_path / "archive.db"
    result = CliRunner().invoke(main, ["ingest", "--db", str(db), str(stub)])
    assert result.exit_code == 0, result.output
    assert f"{stub}: not a report (no tables, no report text): archived only, not stored" in result.output
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from reports").fetchone()[0] == 0
    assert con.execute("select count(*) from documents where source = 'file'").fetchone()[0] == 1
