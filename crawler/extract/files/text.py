"""Small text helpers shared by the readers: joining wrapped lines, dropping page footers."""

from __future__ import annotations

import re

from crawler.extract.values import normalize_width

PAGE_FOOTER = re.compile(
    r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
_CJK = re.compile(r"[\u2e80-\u9fff\uff00-\uffef\u3000-\u303f]")


def join_pieces(pieces: list[str]) -> str:
    """Join fragments of one cell or line: no space between CJK text (a wrapped label), a space otherwise."""
    out = ""
    for p in (p.strip() for p in pieces):
        if not p:
            continue
        if out and not (_CJK.search(out[-1]) or _CJK.search(p[0])):
            out += " "
        out += p
    return out


def is_footer(text: str) -> bool:
    """A page number line ('- 3 -', '第 3 页', '3/12')."""
    return bool(PAGE_FOOTER.match(normalize_width(text)))
