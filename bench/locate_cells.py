"""How many cells' printed figures the report page can mark in their original (crawler/publish/locate.py).

    python bench/locate_cells.py --db demo.db [--reports 25] [--cells 8]

Samples tabular reports and cells (seeded), marks each in its archived
original (HTML) or its extracted text (PDF, Word, Excel), and counts how
many are found and how many marks show the cell's value.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
from collections import Counter

from bs4 import BeautifulSoup

from crawler.archive.warc import read_payload
from crawler.extract.decode import decode_bytes
from crawler.publish.locate import MARK_ID, mark_html, mark_text
from crawler.record.textstore import register_text_function


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--reports", type=int, default=25)
    ap.add_argument("--cells", type=int, default=8)
    args = ap.parse_args()
    conn = sqlite3.connect(args.db)
    register_text_function(conn)
    rng = random.Random(7)
    reports = conn.execute("select id, coalesce(source_document_id, document_id), template, nianbao_text(text) from reports "
                           "where template in ('2019', '2021') order by id").fetchall()
    found = right = total = 0
    missed: Counter = Counter()
    for rid, doc, template, text in rng.sample(reports, min(args.reports, len(reports))):
        ctype, payload = read_payload(args.db, doc)
        html = decode_bytes(payload) if (ctype or "").startswith("text/html") else None
        cells = conn.execute("select key, value, raw from cells where report_id = ? order by key", [rid]).fetchall()
        for key, value, raw in rng.sample(cells, min(args.cells, len(cells))):
            total += 1
            got = mark_html(html, template, key, value, raw) if html else mark_text(text, template, key, value, raw)
            if got is None:
                missed[key.rsplit(".", 1)[0]] += 1
                continue
            found += 1
            mark = BeautifulSoup(got.html, "html.parser").find(id=MARK_ID)
            shown = re.sub(r"\s", "", mark.get_text()).replace(",", "") if mark else ""
            right += shown in (raw, str(int(value)) if float(value).is_integer() else str(value))
    print(f"{total} cells of {min(args.reports, len(reports))} reports: marked {found} ({found / total:.0%}), "
          f"the mark shows the cell's value in {right} of {found}")
    print("not found, by row:", ", ".join(f"{k} {n}" for k, n in missed.most_common(8)))


if __name__ == "__main__":
    main()
