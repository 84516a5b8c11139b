"""Compare two archive.db files row for row, by natural keys (URLs, cell keys), not ids or timestamps.

    python bench/compare_archives.py BEFORE.db AFTER.db

Prints each table's row count in both and the rows found in only one; exits 1 when they differ.
Used to show that a refactoring of the write path stores the very same archive.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from crawler.record.textstore import register_text_function  # noqa: E402

# table → select giving its rows by natural key (report ids replaced by URLs; ids and timestamps left out)
TABLES: dict[str, str] = {
    "reports": "select url, site, title, agency, body_level, column_name, year, template, published, "
               "published_source, document_sha256, version, cells_count, findings_count, nianbao_text(text) text, list_date, "
               "list_url, source_url, (select d.sha256 from documents d where d.id = r.document_id) doc_sha, "
               "(select d.sha256 from documents d where d.id = r.source_document_id) source_sha from reports r",
    "cells": "select r.url, c.key, c.part, c.row, c.col, c.value, c.raw, c.method "
             "from cells c join reports r on r.id = c.report_id",
    "findings": "select r.url, f.rule, f.key, f.detail, f.expected, f.actual "
                "from findings f join reports r on r.id = f.report_id",
    "cross_findings": "select c.kind, r.url, o.url other_url, c.year, c.key, c.value, c.other_value, c.sentence, "
                      "c.deadline, c.published, c.published_source, c.days_late, c.detail "
                      "from cross_findings c left join reports r on r.id = c.report_id "
                      "left join reports o on o.id = c.other_report_id",
    # the current version's cells are the cells table (its cells_json is null there): compared as numbers
    "report_versions": "select r.url, v.version, v.document_sha256, coalesce(v.cells_json, (select "
                       "json_group_object(c.key, c.value) from cells c where c.report_id = v.report_id)) cells_json "
                       "from report_versions v join reports r on r.id = v.report_id",
    "cell_changes": "select r.url, c.key, c.old_value, c.new_value, c.old_version, c.new_version "
                    "from cell_changes c join reports r on r.id = c.report_id",
    "attachment_pages": "select url, sha256, title, agency, published, published_source from attachment_pages",
    "bodies": "select site, code, name, display_name, level, aliases, first_year, last_year, reports from bodies",
    "documents": "select url, source, site, status, content_type, sha256, size from documents",
    "report_facts": "select * from report_facts",
}
VOLATILE = {"id", "document_id", "source_document_id", "fetched_at", "last_fetched_at", "first_seen", "last_seen"}


def rows(db: Path, table: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    register_text_function(conn)  # text compressed or not, compared as text
    try:
        if not conn.execute("select 1 from sqlite_master where name = ?", [table]).fetchone():
            return []
        cur = conn.execute(TABLES[table])
        keep = [i for i, d in enumerate(cur.description) if d[0] not in VOLATILE]
        names = [d[0] for d in cur.description]
        return sorted((tuple(repr(_canonical(names[i], r[i])) for i in keep) for r in cur), key=str)
    finally:
        conn.close()


def _canonical(column: str, value: object) -> object:
    """A cells_json as sorted (key, number) pairs: 12 and 12.0 are the same answer."""
    if column != "cells_json" or value is None:
        return value
    cells = json.loads(value)
    return sorted((k, None if v is None else float(v)) for k, v in cells.items())


def compare(before: Path, after: Path) -> dict[str, tuple[int, int, int]]:
    """table → (rows before, rows after, rows in only one of them)."""
    out = {}
    for table in TABLES:
        a, b = rows(before, table), rows(after, table)
        only = set(a) ^ set(b)
        out[table] = (len(a), len(b), len(only) + abs(len(a) - len(set(a)) - len(b) + len(set(b))))
    return out


def main(argv: list[str]) -> int:
    before, after = Path(argv[1]), Path(argv[2])
    result = compare(before, after)
    print(f"{'table':<18} {'before':>7} {'after':>7} {'differ':>7}")
    for table, (a, b, diff) in result.items():
        print(f"{table:<18} {a:>7} {b:>7} {diff:>7}")
    for table, (_, _, diff) in result.items():
        if diff:
            a, b = set(rows(before, table)), set(rows(after, table))
            for row in sorted(a - b, key=str)[:5]:
                print(f"  - {table}: {', '.join(v[:70] for v in row[:4])} …")
            for row in sorted(b - a, key=str)[:5]:
                print(f"  + {table}: {', '.join(v[:70] for v in row[:4])} …")
    same = all(d == 0 for _, _, d in result.values())
    print("identical" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
