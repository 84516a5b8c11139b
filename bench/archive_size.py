"""Where archive.db's bytes go: KB per report by table and index (SQLite's dbstat), one archive or two side by side.

    python bench/archive_size.py ARCHIVE.db [AFTER.db] [--markdown]

Pages count whole (`pgsize`, the unused part of each page included, as the file holds them); the freelist
is listed apart. KB = 1,024 bytes; "per report" divides by the first archive's `reports` rows (and the
second's by its own).
"""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path


def sizes(path: Path) -> tuple[int, int, dict[str, int]]:
    """(reports, file bytes, {table or index: bytes}) with the freelist as '(free pages)'."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        n = conn.execute("select count(*) from reports").fetchone()[0]
        by = dict(conn.execute("select name, sum(pgsize) from dbstat group by name").fetchall())
        free = conn.execute("pragma freelist_count").fetchone()[0] * conn.execute("pragma page_size").fetchone()[0]
        if free:
            by["(free pages)"] = free
        return n, path.stat().st_size, by
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("archives", type=Path, nargs="+")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table")
    ap.add_argument("--min-kb", type=float, default=0.05, help="group smaller objects under 'everything else'")
    args = ap.parse_args()
    got = [sizes(p) for p in args.archives[:2]]
    names = sorted({k for _, _, by in got for k in by}, key=lambda k: -max(by.get(k, 0) / n for n, _, by in got))

    def kb(i: int, name: str) -> float:
        n, _, by = got[i]
        return by.get(name, 0) / 1024 / n

    shown = [k for k in names if max(kb(i, k) for i in range(len(got))) >= args.min_kb]
    rest = [k for k in names if k not in shown]
    heads = [f"{p.name} KB/report" if len(got) == 1 else f"{'before' if i == 0 else 'after'} KB/report"
             for i, p in enumerate(args.archives[:2])]
    rows = [(k, [kb(i, k) for i in range(len(got))]) for k in shown]
    rows.append((f"everything else ({len(rest)} objects)", [sum(kb(i, k) for k in rest) for i in range(len(got))]))
    totals = [f"{size / 1024 / n:.2f} ({size:,} bytes, {n} reports)" for n, size, _ in got]
    if args.markdown:
        print("| table / index | " + " | ".join(heads) + " |\n|---|" + "---:|" * len(got))
        for name, values in rows:
            print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in values) + " |")
        print("| **archive.db** | " + " | ".join(f"**{t}**" for t in totals) + " |")
        return
    print(f"{'table / index':<42}" + "".join(f"{h:>20}" for h in heads))
    for name, values in rows:
        print(f"{name:<42}" + "".join(f"{v:>20.2f}" for v in values))
    print("archive.db: " + "  →  ".join(totals))


if __name__ == "__main__":
    main()
