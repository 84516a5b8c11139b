"""Search pages of two checkouts on one archive, back to back: p50/p95 and the ratio to the first.

Serves the same archive.db (e.g. the one bench/datasette.py built) with each
tree's `serve_command_args` in turn and times 全文检索 (common term, 2
characters, two words) and the 报告一览 search box, 15 runs after one cold
request. The first tree is the baseline.

    .venv/bin/python bench/search_trees.py --db /tmp/nianbao-bench/archive.db ../main .

It is a script anyone can run, not a test.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

# bench/datasette.py would shadow the datasette package: keep this folder off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from datasette.utils import tilde_encode  # noqa: E402

PAGES = [("全文检索 行政复议", "全文检索", {"词": "行政复议"}), ("全文检索 复议", "全文检索", {"词": "复议"}),
         ("全文检索 复议 诉讼", "全文检索", {"词": "复议 诉讼"}),
         ("报告一览 搜索框 行政复议", "报告一览", {"_search": "行政复议"})]


def _time_tree(tree: Path, db: Path, runs: int) -> dict[str, tuple[float, float, int]]:
    """label → (p50, p95, bytes) for one checkout (its crawler package imported in a child process)."""
    code = (f"import sys; sys.path.insert(0, {str(tree)!r}); "
            "from crawler.publish.serve import serve_command_args; "
            f"print('\\x00'.join(serve_command_args({str(db)!r}, '127.0.0.1', int(sys.argv[1]))))")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = subprocess.run([sys.executable, "-c", code, str(port)], cwd=tree, capture_output=True, text=True,
                          check=True).stdout.strip().split("\x00")
    proc = subprocess.Popen(args, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> tuple[float, int]:
        t0 = time.perf_counter()
        with urllib.request.urlopen(base + path, timeout=120) as r:
            n = len(r.read())
        return time.perf_counter() - t0, n

    try:
        while True:
            try:
                get("/-/versions.json")
                break
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit(f"{tree}: datasette exited") from None
                time.sleep(0.2)
        out = {}
        for label, name, params in PAGES:
            path = f"/{db.stem}/{tilde_encode(name)}?{urlencode(params)}"
            _, size = get(path)
            times = sorted(get(path)[0] for _ in range(runs))
            out[label] = (statistics.median(times), times[round(0.95 * (len(times) - 1))], size)
        return out
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/nianbao-bench/archive.db"))
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("trees", type=Path, nargs=2, help="baseline checkout, then the one measured")
    args = ap.parse_args()
    results = [_time_tree(t.resolve(), args.db.resolve(), args.runs) for t in args.trees]
    print(f"| page | {args.trees[0]} p50 / p95 (s) | {args.trees[1]} p50 / p95 (s) | p95 ratio |\n|---|---|---|---:|")
    for label, *_ in PAGES:
        (a50, a95, _), (b50, b95, _) = results[0][label], results[1][label]
        print(f"| {label} | {a50:.3f} / {a95:.3f} | {b50:.3f} / {b95:.3f} | {b95 / a95:.2f} |")


if __name__ == "__main__":
    main()
