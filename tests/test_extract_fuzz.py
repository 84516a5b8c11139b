"""Mutated real reports (byte flips, truncations, line shuffles, deletions, re-encodings) never crash the extractor.

Any input gives a Report whose JSON serialises, or an ExtractError naming the
document; nothing else may escape. The seed is fixed so a failure reproduces.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from crawler.exceptions import ExtractError
from crawler.extract import extract_bytes

SEED = 20261126
MUTATIONS = 10_000
FILES = Path(__file__).parent / "files"


def _strip_url(raw: bytes) -> bytes:
    return raw.split(b"\n", 2)[2] if raw.startswith(b"URL: ") and raw.count(b"\n") >= 2 else raw


@pytest.fixture(scope="module")
def documents(shared_dir: Path) -> list[tuple[str, bytes]]:
    """Small documents (mutating them is what costs, not their size), each also as GB18030."""
    docs = [(p.name, _strip_url(p.read_bytes())) for p in sorted((shared_dir / "corpus" / "pages").glob("*.txt"))]
    docs += [(p.name, p.read_bytes()) for p in sorted((shared_dir / "seeds").glob("*.txt"))]
    docs.append(("007-full.txt", (shared_dir / "corpus" / "full" / "007.txt").read_bytes()))
    html = (shared_dir / "corpus" / "full" / "005.html").read_bytes()
    start = html.find(b"<table")
    docs.append(("005-slice.html", html[:400] + html[start:start + 9000]))
    docs.append(("fixture.html", (FILES / "extract_report_2021.html").read_bytes()))
    docs += [(name + ".gbk", data.decode("utf-8", "replace").encode("gb18030", "replace")) for name, data in docs[:6]]
    return docs


def _lines_op(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    op = rng.randrange(4)
    if op == 0:
        rng.shuffle(lines)
    elif op == 1 and lines:
        del lines[rng.randrange(len(lines)):][: rng.randint(1, 20)]
    elif op == 2 and lines:
        i = rng.randrange(len(lines))
        lines[i:i] = lines[i:i + rng.randint(1, 30)] * rng.randint(1, 3)
    else:
        i, j = sorted(rng.randrange(len(lines) + 1) for _ in range(2))
        lines = lines[:i] + sorted(lines[i:j]) + lines[j:]
    return b"\n".join(lines)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three random edits of the bytes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op = rng.randrange(7)
        n = len(buf)
        if op == 0 and n:  # byte flips
            for _ in range(rng.randint(1, 12)):
                buf[rng.randrange(n)] ^= 1 << rng.randrange(8)
        elif op == 1:  # truncation
            buf = buf[: rng.randrange(n + 1)]
        elif op == 2 and n:  # deletion of a span
            i = rng.randrange(n)
            del buf[i:i + rng.randint(1, 400)]
        elif op == 3:  # random bytes inserted
            i = rng.randrange(n + 1)
            buf[i:i] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        elif op == 4:  # lines shuffled, dropped, duplicated, sorted
            buf = bytearray(_lines_op(bytes(buf), rng))
        elif op == 5 and n:  # a span repeated
            i = rng.randrange(n)
            buf[i:i] = buf[i:i + rng.randint(1, 300)] * rng.randint(2, 5)
        elif op == 6 and n:  # digits and markup characters swapped in
            for _ in range(rng.randint(1, 20)):
                buf[rng.randrange(n)] = rng.choice(b"0123456789|\t <>/-\n")
    return bytes(buf)


def test_mutations_never_crash(documents) -> None:
    rng = random.Random(SEED)
    errors = 0
    for n in range(MUTATIONS):
        name, original = documents[n % len(documents)]
        data = mutate(original, rng)
        try:
            report = extract_bytes(data, filename=f"{name}#{n}")
        except ExtractError as e:
            assert f"{name}#{n}" in str(e)
            errors += 1
            continue
        json.dumps(report.to_json(with_text=True), ensure_ascii=False)
        assert report.template in (None, "2019", "2021", "legacy")
        assert all(v is None or isinstance(v, (int, float)) for v in report.cells.values())
    assert errors < MUTATIONS // 2  # most damaged documents still read


def test_extreme_inputs() -> None:
    samples = [b"<", b"<html>", b"<table>" * 5000, b"<div>" * 3000 + b"x", "一、".encode() * 10000,
               ("规章 " + "0 " * 5000).encode(), b"\xff\xfe" + b"\x00" * 11, b"\xef\xbb\xbf",
               b"<meta charset='klingon'>\xb9\xe6\xd5\xc2 0 0 0", b"|" * 10000, b"\n" * 10000]
    for data in samples:
        try:
            json.dumps(extract_bytes(data, filename="edge").to_json())
        except ExtractError as e:
            assert "edge" in str(e)


def test_big_pages_are_cut_down_not_choked_on() -> None:
    """Inline images and giant tables: the report is still read (timing is watched by bench, not asserted)."""
    page = (FILES / "extract_report_2021.html").read_bytes()
    inline_image = b'<img src="data:image/png;base64,' + b"QUJD" * 2_000_000 + b'">'
    r = extract_bytes(page.replace(b'<div class="footer">', inline_image + b'<div class="footer">'), filename="big.html")
    assert (r.template, r.year, len(r.cells)) == ("2021", 2022, 200)
    rows = b"<table>" + b"<tr><td>1</td><td>2</td></tr>" * 50_000 + b"</table>"
    assert extract_bytes(rows, filename="rows.html").cells == {}
