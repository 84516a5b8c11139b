"""archive.db is written only inside crawler.record.store.write_transaction (the one write path)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
FILES = ROOT / "tests" / "files"


def test_crawl_ingest_reextract_write_only_through_the_store(db_path):
    db = db_path
    files = [FILES / "extract_report_2021.html", FILES / "extract_report_2019_gbk.html"]
    proc = subprocess.run([sys.executable, "-m", "tests.write_audit", str(db), "xigong", *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert proc.returncode == 0, proc.stderr[-3000:]
    audit = json.loads(proc.stdout.strip().splitlines()[-1])
    assert audit["violations"] == []
    # the audit sees a write outside the path (the control), so an empty list means something
    assert (audit["control"][0]["action"], audit["control"][0]["table"]) == ("SQLITE_UPDATE", "reports")
    # the demo site's 37 reports and the two ingested files, with their cells and cross-report findings
    assert audit["counts"]["reports"] == 39
    assert audit["counts"]["cells"] > 5000 and audit["counts"]["cross_findings"] > 0
