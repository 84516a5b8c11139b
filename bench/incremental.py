"""How much does a nightly re-crawl cost, and does it fetch exactly what changed?

Runs the demo web in this process (ETag/304 on, as nginx in front of a CMS)
and real `python -m crawler crawl` subprocesses against it:

1. a full crawl of the demo web into a fresh archive;
2. the same crawl again, nothing changed: its requests and bytes as a share
   of the first (goal: at most 5 % of the bytes);
3. 3 reports added to one site and 1 report's numbers changed (its list date
   moves, as real CMSes do on edit), then a crawl: which reports it fetched
   and stored, against what changed.

    .venv/bin/python bench/incremental.py [--site yiyang] [--only SLUG ...] [--no-etag] [--keep DIR]

Exit status 1 when the changed crawl fetched or stored anything other than
the changed reports, or missed one.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.demo.faults import FaultPlan, add_reports, edit_report  # noqa: E402
from crawler.demo.hits import HitLog  # noqa: E402
from crawler.demo.server import DemoWeb  # noqa: E402

FAST = ["--settings-module", "crawler.settings.demo"]
GOAL = 0.05


def crawl(db: Path, registry: Path, only: list[str]) -> tuple[dict, float]:
    """One `nianbao crawl` subprocess; returns its crawl_runs row and wall time."""
    cmd = [sys.executable, "-m", "crawler", "crawl", "--db", str(db), "--sites", str(registry), "--no-alarm-exit",
           *FAST, *[a for s in only for a in ("--site", s)]]
    t = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    wall = time.monotonic() - t
    if proc.returncode != 0:
        sys.exit(f"crawl failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    row = dict(con.execute("select * from crawl_runs order by id desc limit 1").fetchone())
    con.close()
    return row, wall


def stored_since(db: Path, started: str) -> tuple[list[str], list[str]]:
    """(new report URLs, changed report URLs) stored since ``started``."""
    con = sqlite3.connect(db)
    new = [r[0] for r in con.execute("select url from reports where first_seen >= ? order by url", [started])]
    changed = [r[0] for r in con.execute(
        "select r.url from report_versions v join reports r on r.id = v.report_id "
        "where v.version > 1 and v.fetched_at >= ? order by r.url", [started])]
    con.close()
    return new, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default="yiyang", help="the site that changes (not gkmlpt: its list date is fixed)")
    parser.add_argument("--only", nargs="*", default=[], help="crawl only these sites (default: all six)")
    parser.add_argument("--seed-dir", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument("--keep", type=Path, default=None, help="keep the archive in this directory")
    parser.add_argument("--no-etag", action="store_true", help="the demo web sends no ETag (no 304s), as many CMSes")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="nianbao-bench-"))
    db = work / "archive.db"
    seed_dir = args.seed_dir if args.seed_dir.exists() else None
    web = DemoWeb(seed_dir=seed_dir, faults=FaultPlan(conditional=not args.no_etag))
    with web:
        registry = web.write_registry(work / "demo.yaml")
        first, t1 = crawl(db, registry, args.only)
        second, t2 = crawl(db, registry, args.only)
        new_reports = add_reports(web.corpus, args.site, 3, seed_dir)
        edited = edit_report(web.corpus, args.site, seed_dir)
        with HitLog() as hits:  # counted at the server: two runs can share a timestamp's second
            third, t3 = crawl(db, registry, args.only)
        base = web.bases[args.site]
    print(f"{'run':<28}{'requests':>10}{'bytes':>12}{'304':>6}{'new':>6}{'changed':>9}{'skipped':>9}{'alarms':>8}{'seconds':>9}")
    for name, row, wall in (("1 full crawl", first, t1), ("2 re-crawl, nothing changed", second, t2),
                            ("3 after +3 reports, 1 edit", third, t3)):
        print(f"{name:<28}{row['requests']:>10}{row['response_bytes']:>12}{row['not_modified'] or 0:>6}"
              f"{row['reports_new']:>6}{row['reports_changed']:>9}{row['reports_skipped'] or 0:>9}{row['alarms']:>8}"
              f"{wall:>9.1f}")
    req_ratio = second["requests"] / max(1, first["requests"])
    byte_ratio = second["response_bytes"] / max(1, first["response_bytes"])
    print(f"\nre-crawl / full crawl: requests {req_ratio:.1%}, bytes {byte_ratio:.1%} "
          f"(goal for bytes <= {GOAL:.0%}: {'met' if byte_ratio <= GOAL else 'MISSED'})")
    expected_new = sorted(base + r.path for r in new_reports)
    expected_changed = [base + edited.path]
    new, changed = stored_since(db, third["started"])
    fetched = sorted(hits.fetched())
    report_urls = _report_urls(db)
    print(f"\nchanged on {args.site}: {len(expected_new)} added, 1 edited ({edited.title})")
    for u in fetched:
        kind = ("new report" if u in expected_new else "edited report" if u in expected_changed
                else "OTHER REPORT" if u in report_urls else "list page")
        print(f"  fetched  {kind:<14} {u}")
    print(f"  stored   new {len(new)}: {', '.join(Path(u).name for u in new) or '-'}")
    print(f"  stored   changed {len(changed)}: {', '.join(Path(u).name for u in changed) or '-'}")
    others = [u for u in fetched if u in report_urls and u not in expected_new and u not in expected_changed]
    exact = new == expected_new and changed == expected_changed and not others
    print(f"exactly the changed reports fetched and stored: {'yes' if exact else 'NO'}")
    if args.keep:
        shutil.copytree(work, args.keep, dirs_exist_ok=True)
        print(f"archive kept in {args.keep}")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if exact else 1


def _report_urls(db: Path) -> set[str]:
    con = sqlite3.connect(db)
    urls = {r[0] for r in con.execute("select url from reports")}
    con.close()
    return urls


if __name__ == "__main__":
    raise SystemExit(main())
