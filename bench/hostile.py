"""Hostile documents: peak memory and seconds of each, on a baseline checkout and on this one, in one run.

Each bomb (crawler/demo/bombs.py) is written to a temporary directory and
read in a fresh process by the baseline's code (``--baseline``, default
/work/main with its .venv; its extractor in-process, as it was) and by this
checkout's (``extract_bounded``: a worker process, sizes checked first).
The peak resident memory of the whole process tree and the wall-clock
seconds are measured from outside; a run past ``--cap-mb`` or
``--timeout`` is stopped and shown as "≥".

Bombs: a 418-byte PDF with a 14,400 pt page; a 6 M-cell XLSX; a DOCX of
190 MB XML; 660 KB of 20,000 nested tables; ``nianbao ingest`` of a 548 MB
text file; a 10 GB gzip bomb archived as served and read back (the 304
path and /-/original/<id>/raw).

Usage: .venv/bin/python bench/hostile.py [--baseline /work/main] [--only pdf,xlsx] [--cap-mb 4096]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.demo import bombs  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    seconds: float
    peak_bytes: int
    stopped: str | None  # "memory" / "time" when the run was stopped
    output: str

    def show(self) -> str:
        ge = "≥" if self.stopped else ""
        return f"{ge}{self.peak_bytes / 2**20:7.0f} MB {ge}{self.seconds:6.1f} s"


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            continue
    return out


def _rss(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            pass
    return total


def measure(cmd: list[str], cwd: Path, cap: int, timeout: float) -> Run:
    """Run `cmd`, sampling the tree's resident memory every 20 ms; stop it past `cap` bytes or `timeout` s."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    peak, stopped = 0, None
    while proc.poll() is None:
        peak = max(peak, _rss(_tree(proc.pid)))
        if peak > cap:
            stopped = "memory"
        elif time.monotonic() - start > timeout:
            stopped = "time"
        if stopped:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.02)
    out = proc.communicate()[0].decode("utf-8", "replace")
    seconds = time.monotonic() - start
    return Run(seconds, peak, stopped, out.strip().splitlines()[-1][:160] if out.strip() else "")


EXTRACT = ("import sys\nfrom pathlib import Path\np = Path(sys.argv[1])\n{imp}\n"
           "try:\n    r = {call}\n    print('read:', r.template, len(r.cells), 'cells')\n"
           "except Exception as e:\n    print('error:', type(e).__name__, str(e)[:150])\n")
BASE_EXTRACT = EXTRACT.format(imp="from crawler.extract import extract_bytes",
                              call="extract_bytes(p.read_bytes(), filename=p.name)")
OURS_EXTRACT = EXTRACT.format(imp="from crawler.extract.bounded import extract_bounded",
                              call="extract_bounded(p.read_bytes(), filename=p.name)")
READ_BACK = ("import sys\nfrom crawler.archive.warc import read_record_payload\n"
             "try:\n    ctype, body = read_record_payload(sys.argv[1], int(sys.argv[2]))\n    print('read:', len(body))\n"
             "except Exception as e:\n    print('error:', type(e).__name__, str(e)[:150])\n")


def write_bombs(tmp: Path, only: set[str]) -> dict[str, list[str]]:
    """Each bomb's file; the arguments its reader takes."""
    made: dict[str, list[str]] = {}
    if "pdf" in only:
        (tmp / "page.pdf").write_bytes(bombs.huge_page_pdf())
        made["pdf"] = [str(tmp / "page.pdf")]
    if "xlsx" in only:
        (tmp / "cells.xlsx").write_bytes(bombs.many_cells_xlsx())
        made["xlsx"] = [str(tmp / "cells.xlsx")]
    if "docx" in only:
        (tmp / "xml.docx").write_bytes(bombs.big_xml_docx())
        made["docx"] = [str(tmp / "xml.docx")]
    if "html" in only:
        (tmp / "nested.html").write_bytes(bombs.nested_tables_html())
        made["html"] = [str(tmp / "nested.html")]
    if "text" in only:
        bombs.big_text_file(tmp / "big.txt")
        made["text"] = [str(tmp / "big.txt")]
    if "gzip" in only:
        from crawler.archive.warc import WarcArchive

        warc = WarcArchive(tmp / "warc", fsync=False)
        stored = warc.write_exchange(
            url="http://bomb.example/report.html", method="GET", request_headers=[], request_body=b"",
            status=200, response_headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                          ("ETag", '"bomb"')],
            payload=bombs.gzip_bomb(), fetched_at="2026-12-01T00:00:00+00:00")
        warc.close()
        made["gzip"] = [str(tmp / "warc" / stored.warc_file), str(stored.warc_offset)]
    return made


def commands(kind: str, args: list[str], tree: Path, python: Path, db: Path) -> list[str]:
    if kind == "text":
        return [str(python.parent / "nianbao"), "ingest", "--db", str(db), *args]
    if kind == "gzip":
        return [str(python), "-c", READ_BACK, *args]
    ours = tree == ROOT
    return [str(python), "-c", OURS_EXTRACT if ours else BASE_EXTRACT, *args]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, default=Path("/work/main"), help="a checkout with its own .venv")
    ap.add_argument("--only", default="pdf,xlsx,docx,html,text,gzip")
    ap.add_argument("--cap-mb", type=int, default=4096, help="stop a run past this much resident memory")
    ap.add_argument("--timeout", type=float, default=300, help="stop a run past this many seconds")
    ap.add_argument("--no-baseline", action="store_true")
    opts = ap.parse_args()
    only = set(opts.only.split(","))
    cap = opts.cap_mb * 2**20
    trees = [("after", ROOT)] + ([] if opts.no_baseline else [("before", opts.baseline)])
    with tempfile.TemporaryDirectory(prefix="nianbao-hostile-") as tmp_name:
        tmp = Path(tmp_name)
        made = write_bombs(tmp, only)
        print(f"{'bomb':6} {'before (baseline)':>22} {'after (this tree)':>22} {'memory':>8} {'time':>8}")
        for kind, args in made.items():
            runs = {}
            for label, tree in trees:
                python = tree / ".venv" / "bin" / "python"
                db = tmp / f"{label}-{kind}.db"
                runs[label] = measure(commands(kind, args, tree, python, db), tree, cap, opts.timeout)
            after, before = runs["after"], runs.get("before")
            if before:
                print(f"{kind:6} {before.show():>22} {after.show():>22} "
                      f"{before.peak_bytes / max(1, after.peak_bytes):7.1f}x {before.seconds / after.seconds:7.1f}x")
                print(f"       before: {before.output}")
            else:
                print(f"{kind:6} {'-':>22} {after.show():>22}")
            print(f"       after:  {after.output}")


if __name__ == "__main__":
    main()
