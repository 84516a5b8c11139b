"""How much memory and time can one anonymous GET make Datasette spend? Peak RSS and status per query.

Starts `datasette serve` exactly as `nianbao serve` does (on the fixture
archive unless --db is given), reads the server's peak RSS (VmHWM) after
startup and a normal page (the baseline), then after each hostile query.

    .venv/bin/python bench/query_limits.py
    .venv/bin/python bench/query_limits.py --root /path/to/other/checkout   # the same against another tree

It is a script anyone can run, not a test.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
# bench/datasette.py would shadow the datasette package: keep this folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

QUERIES = [
    ("zeroblob 400 MB → hex 800 MB", "select length(hex(zeroblob(400000000)))"),
    ("zeroblob 30 MB (under the limit)", "select length(zeroblob(30000000))"),
    ("string 1 GB via replace/printf", "select length(printf('%.*c', 1000000000, 'x'))"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _get(url: str) -> tuple[int, str, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as r:
            body = r.read().decode("utf-8", "replace")
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read().decode("utf-8", "replace"), e.code
    return status, body, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path)
    ap.add_argument("--root", type=Path, default=ROOT, help="checkout whose serve_command_args to run")
    args = ap.parse_args()
    sys.path.insert(0, str(args.root))
    from crawler.publish.serve import serve_command_args

    db = args.db
    if db is None:
        from crawler.publish.fixtures import build_fixture_db
        db = build_fixture_db(Path(tempfile.mkdtemp()) / "archive.db")
    port = _free_port()
    proc = subprocess.Popen(serve_command_args(db, "127.0.0.1", port), cwd=args.root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit("datasette exited") from None
                time.sleep(0.2)
        _get(base + "/archive")
        baseline = _peak_rss_mb(proc.pid)
        print(f"tree {args.root}; baseline peak RSS {baseline:.0f} MB after startup and /archive")
        print("| query | status | seconds | peak RSS (MB) | × baseline | answer |\n|---|---:|---:|---:|---:|---|")
        for label, sql in QUERIES:
            status, body, seconds = _get(base + "/archive.json?" + urlencode({"sql": sql, "_shape": "array"}))
            try:
                answer = json.loads(body)
                answer = answer.get("error") if isinstance(answer, dict) else answer
            except ValueError:
                answer = body[:80]
            peak = _peak_rss_mb(proc.pid)
            print(f"| {label} | {status} | {seconds:.2f} | {peak:.0f} | {peak / baseline:.1f} | {answer} |")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


if __name__ == "__main__":
    main()
