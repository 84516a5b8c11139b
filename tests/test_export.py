"""export-warc: one standard WARC file, whole or filtered, with revisit originals kept."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from crawler.archive.documents import DocumentStore
from crawler.archive.warc import iter_warc_records
from crawler.cli.main import main


def build_archive(tmp_path):
    db = tmp_path / "archive.db"
    store = DocumentStore(db)
    for site, url, body in (("a", "http://127.0.0.11/1.html", b"<p>one</p>"),
                            ("a", "http://127.0.0.11/2.html", b"<p>two</p>"),
                            ("b", "http://127.0.0.12/copy.html", b"<p>one</p>")):  # same bytes as a/1: a revisit
        store.record_exchange(url=url, site=site, method="GET", request_headers=[], request_body=b"",
                              status=200, response_headers=[("Content-Type", "text/html")], payload=body,
                              metadata={"site": site})
    store.close()
    return db


def kinds(path) -> list[tuple[str, str]]:
    return [(rec.rec_type, rec.rec_headers.get_header("WARC-Target-URI")) for _, rec in iter_warc_records(path)]


def test_whole_export_is_valid_and_complete(tmp_path):
    db = build_archive(tmp_path)
    out = tmp_path / "all.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "0 problems" in result.output
    got = kinds(out)
    assert got[0][0] == "warcinfo"
    assert [k for k, _ in got].count("response") == 2 and [k for k, _ in got].count("revisit") == 1
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(out)], capture_output=True)
    assert check.returncode == 0


def test_site_export_keeps_the_original_of_a_revisit(tmp_path):
    db = build_archive(tmp_path)
    out = tmp_path / "b.warc.gz"
    result = CliRunner().invoke(main, ["export-warc", str(out), "--db", str(db), "--site", "b"])
    assert result.exit_code == 0, result.output
    got = kinds(out)[1:]
    assert ("revisit", "http://127.0.0.12/copy.html") in got
    assert ("response", "http://127.0.0.11/1.html") in got  # the payload the revisit points at
    assert not any(uri == "http://127.0.0.11/2.html" for _, uri in got)
