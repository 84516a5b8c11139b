"""History: a report whose page changes gets a new version, and exactly its changed cells are listed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.demo.faults import edit_report
from crawler.demo.generator import build_demo_web
from crawler.demo.server import DemoWeb, addresses
from tests.helpers import ROOT, TESTS_PROFILE, free_port, query, read_feed

pytestmark = pytest.mark.slow


def crawl(db, registry) -> None:
    out = subprocess.run([sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry),
                          "--site", "yiyang", *TESTS_PROFILE], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]


def test_changed_report_gets_a_version_and_its_cell_changes(shared_dir, tmp_path):
    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    hosts = addresses(corpus)  # the sites' and the portals' loopback addresses
    with DemoWeb(corpus=corpus, port=free_port(hosts)) as web:
        registry = web.write_registry(tmp_path / "demo.yaml")
        db = tmp_path / "archive.db"
        crawl(db, registry)
        target = max((r for r in corpus.reports_of("yiyang") if r.template in ("2019", "2021")
                      and r.body_level == "government"), key=lambda r: (r.published, r.path))
        old_cells = dict(target.gold["cells"])
        edited = edit_report(corpus, "yiyang")
        assert edited.path == target.path
        crawl(db, registry)
        url = web.bases["yiyang"] + edited.path

    (report,) = query(db, "select id, version from reports where url = ?", (url,))
    assert report["version"] == 2
    versions = query(db, "select version, document_sha256 from report_versions where report_id = ? order by version",
                     (report["id"],))
    assert [v["version"] for v in versions] == [1, 2] and versions[0]["document_sha256"] != versions[1]["document_sha256"]
    expected = {k: (old_cells.get(k), v) for k, v in edited.gold["cells"].items() if old_cells.get(k) != v}
    assert expected, "the edit changed no number"
    changes = query(db, "select key, old_value, new_value, old_version, new_version from cell_changes "
                        "where report_id = ?", (report["id"],))
    assert {c["key"]: (c["old_value"], c["new_value"]) for c in changes} == expected
    assert {(c["old_version"], c["new_version"]) for c in changes} == {(1, 2)}
    assert query(db, "select count(*) n from reports where version > 1")[0]["n"] == 1
    # the second crawl's silent edit is in the journalist's feed, with the cells it changed
    (entry,) = read_feed(db, "订阅悄悄修改")
    assert entry["id"] == f"nianbao:edit:{report['id']}:2"
    def shown(v: float | None) -> str:
        return "空" if v is None else f"{v:g}"

    assert all(f"：{shown(a)} → {shown(b)}</li>" in entry["content"] for a, b in expected.values())
