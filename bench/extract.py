"""Extraction time over the real corpus against parsing alone, in one run.

Prints seconds per pass for: lxml.html parsing, BeautifulSoup(lxml) parsing,
and the full extraction (decode, body, grids, walker, prose, metadata,
checks), then the ratios. Text documents are parsed as HTML fragments by the
two baselines so every pass sees the same documents.

Usage: .venv/bin/python bench/extract.py [--shared ../shared] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import lxml.html
from bs4 import BeautifulSoup

from crawler.extract import extract_bytes

ROOT = Path(__file__).resolve().parents[1]


def corpus(shared: Path) -> list[tuple[str, bytes]]:
    docs = []
    for d in ("seeds", "corpus/pages", "corpus/full"):
        for p in sorted((shared / d).iterdir()):
            if p.name.endswith(".gold.json") or not p.is_file():
                continue
            raw = p.read_bytes()
            if raw.startswith(b"URL: "):
                raw = raw.split(b"\n", 2)[2]
            docs.append((p.name, raw))
    return docs


def timed(fn, docs: list[tuple[str, bytes]], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for name, data in docs:
            fn(name, data)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    docs = corpus(a.shared)
    texts = [(n, d.decode("utf-8", "replace")) for n, d in docs]
    by_name = dict(texts)

    extract_bytes(docs[0][1], filename=docs[0][0])  # warm imports and caches
    html = [(n, d) for n, d in docs if n.endswith(".html")]
    for label, subset in ((f"all {len(docs)} documents", docs), (f"{len(html)} HTML pages only", html)):
        t_lxml = timed(lambda n, d: lxml.html.fromstring(by_name[n] or "<p></p>"), subset, a.repeat)
        t_bs4 = timed(lambda n, d: BeautifulSoup(by_name[n], "lxml"), subset, a.repeat)
        t_extract = timed(lambda n, d: extract_bytes(d, filename=n), subset, a.repeat)
        kib = sum(len(d) for _, d in subset) / 1024
        print(f"{label} ({kib:.0f} KiB), best of {a.repeat} passes:")
        print(f"  lxml.html parse only        {t_lxml * 1000:8.1f} ms")
        print(f"  BeautifulSoup(lxml) only    {t_bs4 * 1000:8.1f} ms")
        print(f"  extract_bytes (everything)  {t_extract * 1000:8.1f} ms")
        print(f"  extract / BeautifulSoup = {t_extract / t_bs4:.2f}x   extract / lxml = {t_extract / t_lxml:.2f}x")


if __name__ == "__main__":
    main()
