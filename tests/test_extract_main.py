"""`python -m crawler.extract FILE`: JSON on stdout, or one line naming the file on stderr and exit 1."""

from __future__ import annotations

import json
from pathlib import Path

from crawler.extract.__main__ import main


def test_prints_the_report_as_json(seed_path: Path, capsys) -> None:
    assert main([str(seed_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["template"], out["year"]) == ("2021", 2023)
    assert len(out["cells"]) == 200
    assert set(out) >= {"agency", "title", "published", "published_source", "raw", "method", "findings"}


def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    assert main([str(empty)]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "empty.html" in err
