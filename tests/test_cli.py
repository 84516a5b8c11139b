"""The CLI: JSON out, one-line errors naming the file, every command documented."""

from __future__ import annotations

import json
import subprocess
import sys

from click.testing import CliRunner

from crawler.cli import main


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
