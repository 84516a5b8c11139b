"""Peak memory of a nianbao command: the main process and its extraction children, apart.

    .venv/bin/python bench/memory.py -- .venv/bin/nianbao reextract --db /tmp/x/archive.db --no-progress

Samples /proc every 0.1 s: the command's own resident memory (VmRSS), and
that of every process below it (extractor workers, LibreOffice, Chromium),
the largest single child and the sum of all at one moment. A child whose
document is a scan (OCR) is expected to be large while it reads it; the main
process must not grow with the number of reports. /usr/bin/time -v counts
only the largest of the process and its waited-for children, and misses
children still running; this script reports each.
Tests never assert on these numbers; this script is for people.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """Every process below `pid` (children, grandchildren …)."""
    parents: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def measure(cmd: list[str], interval: float = 0.1) -> dict:
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd)
    peak_main = peak_child = peak_children_sum = 0
    peak_total = 0
    while proc.poll() is None:
        main = rss_kb(proc.pid)
        kids = [rss_kb(c) for c in children(proc.pid)]
        peak_main = max(peak_main, main)
        peak_child = max([peak_child, *kids])
        peak_children_sum = max(peak_children_sum, sum(kids))
        peak_total = max(peak_total, main + sum(kids))
        time.sleep(interval)
    return {"command": " ".join(cmd), "exit": proc.returncode, "seconds": round(time.monotonic() - t0, 1),
            "peak_main_mb": round(peak_main / 1024, 1), "peak_child_mb": round(peak_child / 1024, 1),
            "peak_children_sum_mb": round(peak_children_sum / 1024, 1), "peak_total_mb": round(peak_total / 1024, 1)}


def main(argv: list[str]) -> int:
    cmd = argv[argv.index("--") + 1:] if "--" in argv else argv[1:]
    result = measure(cmd)
    print(json.dumps(result, ensure_ascii=False))
    return result["exit"]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
