"""How fast attachments are read: seconds per page for PDF text layers and for OCR, and peak memory.

Run: .venv/bin/python bench/files.py [--repeat N]

The files are the demo attachments of two made-up reports (2021 and 2019
templates), built and cached by crawler.demo.attachments. Peak memory is
reported twice: Python allocations (tracemalloc) and the process's peak
resident size (getrusage), which includes the OCR model and LibreOffice-free
native buffers.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.demo.attachments import make_attachment  # noqa: E402
from crawler.extract import extract_bytes  # noqa: E402
from tests.test_extract_files import make_gold  # noqa: E402


def pages_of(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(__import__("io").BytesIO(data)) as pdf:
        return len(pdf.pages)


def bench(kind: str, golds: list[dict], repeat: int) -> tuple[float, float, float, float]:
    """(seconds per page, Python peak MB, cells right share, pages) over the golds."""
    files = [(g, *make_attachment(g, kind)) for g in golds]  # built (or read from the cache) before timing
    # a page is a printed A4 page: a DOCX/XLSX/long PNG counts the pages of its PDF rendering
    pages = sum(pages_of(make_attachment(g, "pdf")[0]) for g, _, _, _ in files)
    right = total = 0
    tracemalloc.start()
    started = time.perf_counter()
    for _ in range(repeat):
        for gold, data, name, ctype in files:
            report = extract_bytes(data, filename=name, content_type=ctype)
            right += sum(report.cells.get(k) == v for k, v in gold["cells"].items())
            total += len(gold["cells"])
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed / (pages * repeat), peak / 2**20, right / total, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="passes over the files (default 3)")
    args = parser.parse_args()
    golds = [make_gold("2021", 1), make_gold("2019", 2)]
    print(f"{'kind':<9} {'pages':>5} {'s/page':>8} {'py peak MB':>10} {'cells right':>11}")
    kinds = (("pdf", args.repeat), ("pdf-plain", args.repeat), ("docx", args.repeat), ("xlsx", args.repeat),
             ("scan", 1), ("png", 1))
    for kind, repeat in kinds:
        per_page, peak, share, pages = bench(kind, golds, repeat)
        print(f"{kind:<9} {pages:>5} {per_page:>8.3f} {peak:>10.1f} {share:>10.1%}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident size: {rss:.0f} MB")


if __name__ == "__main__":
    main()
