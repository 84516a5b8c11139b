"""Cross-report findings against the demo web's planted gold, and over the real corpus.

Crawls the demo web into a temporary archive (or reads --db), rebuilds the
findings with a pinned "today" and prints precision and recall per kind and
the findings on bodies with nothing planted. With --real, ingests the real
reports of ../shared/corpus into a temporary archive and lists every
text_vs_table / carry_over finding with its sentence or values.

With --screenshot (and --db), serves the archive with Datasette and saves
docs/screenshots/crossreport-carry-over.png of the 与上年不衔接 query
(Playwright driving /usr/bin/chromium, as tests/test_browser_datasette.py).

Usage: .venv/bin/python bench/crossreport.py [--db archive.db] [--today 2026-11-26] [--real] [--screenshot]
"""

from __future__ import annotations

import argparse
import datetime as dt
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import sqlite_utils

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/datasette.py would shadow the datasette package

from crawler.derive.crossreport import rebuild_cross_findings  # noqa: E402
from crawler.derive.crossreport.score import findings_on_clean_bodies, score, table  # noqa: E402


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crawl_demo(db: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "crawler", "demo", "--no-serve", "--db", str(db),
                          "--web-port", str(_port())], cwd=ROOT, capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stdout[-2000:] + out.stderr[-2000:])


def demo(db_path: Path | None, today: dt.date, shared: Path) -> None:
    from crawler.demo.generator import build_demo_web

    with tempfile.TemporaryDirectory() as tmp:
        if db_path is None:
            db_path = Path(tmp) / "archive.db"
            crawl_demo(db_path)
        db = sqlite_utils.Database(db_path)
        rebuild_cross_findings(db, today)
        gold = build_demo_web(seed_dir=shared / "seeds").cross_gold
        print(f"demo web, today = {today}: {db['bodies'].count} bodies, {db['reports'].count} reports")
        print(table(score(db, gold)))
        print(f"findings on bodies with nothing planted: {findings_on_clean_bodies(db, gold)}")


def real(today: dt.date, shared: Path) -> None:
    files = sorted(p for d in ("corpus/pages", "corpus/full", "seeds") for p in (shared / d).iterdir()
                   if p.is_file() and not p.name.endswith(".gold.json"))
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "real.db"
        subprocess.run([sys.executable, "-m", "crawler", "ingest", "--db", str(db_path), *map(str, files)],
                       cwd=ROOT, capture_output=True, text=True)
        db = sqlite_utils.Database(db_path)
        counts = rebuild_cross_findings(db, today)
        print(f"real corpus: {db['reports'].count} reports, {db['bodies'].count} bodies; findings {dict(counts)}")
        for f in db.query("select f.*, r.url from cross_findings f join reports r on r.id = f.report_id "
                          "order by r.url"):
            print(f"- {Path(f['url']).name} {f['kind']} {f['key']}: {f['detail']}")
            if f["sentence"]:
                print(f"  「{f['sentence']}」")


def screenshot(db_path: Path, out: Path) -> None:
    import time
    import urllib.request
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from crawler.publish.serve import serve_command_args

    port = _port()
    proc = subprocess.Popen(serve_command_args(db_path, "127.0.0.1", port), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1500, "height": 820}, locale="zh-CN")
            page.goto(f"{base}/{db_path.stem}/{quote('与上年不衔接')}?{quote('机关')}=&{quote('年度')}=")
            page.wait_for_selector("table.rows-and-columns")
            page.screenshot(path=str(out))
            browser.close()
        print(f"wrote {out}")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", type=Path, help="an archive already crawled from the demo web")
    ap.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 26))
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--real", action="store_true", help="list the findings on the real corpus instead")
    ap.add_argument("--screenshot", action="store_true", help="save a screenshot of 与上年不衔接 (needs --db)")
    args = ap.parse_args()
    if args.screenshot and args.db:
        demo(args.db, args.today, args.shared)
        screenshot(args.db, ROOT / "docs" / "screenshots" / "crossreport-carry-over.png")
    elif args.real:
        real(args.today, args.shared)
    else:
        demo(args.db, args.today, args.shared)


if __name__ == "__main__":
    main()
