"""DOCX → lines: paragraphs and tables in body order, merged cells (gridSpan, vMerge) expanded once per grid slot.

The table is read from the XML rather than python-docx's ``row.cells`` so
that gridBefore/gridAfter and vertical merges give a rectangular grid, and
nested tables or content controls do not repeat text.
"""

from __future__ import annotations

import io

from crawler.extract.document import Document, Line
from crawler.extract.files.text import join_pieces

SLIVER_TWIPS = 60  # ~1 mm: narrower grid columns are layout artefacts, not printed columns
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _para_text(p) -> str:
    parts = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        parts.append(el.text or "" if el.tag == f"{W}t" else " ")
    return "".join(parts).strip()


def _val(el, path: str) -> str | None:
    found = el.find(path)
    if found is None:
        return None
    return found.get(f"{W}val", "")


def _table_grid(tbl) -> list[list[str]]:
    """Rows of cell strings; a span's text fills every slot it covers."""
    grid: list[list[str]] = []
    for tr in tbl.findall(f"{W}tr"):
        row: list[str] = []
        before = _val(tr, f"{W}trPr/{W}gridBefore")
        row.extend([""] * int(before or 0))
        for tc in tr.findall(f"{W}tc"):
            span = int(_val(tc, f"{W}tcPr/{W}gridSpan") or 1)
            vmerge = _val(tc, f"{W}tcPr/{W}vMerge")
            col = len(row)
            if vmerge is not None and vmerge != "restart" and grid and col < len(grid[-1]):
                text = grid[-1][col]  # continuation of the cell above
            else:
                text = join_pieces([_para_text(p) for p in tc.findall(f"{W}p")])
            row.extend([text] * max(1, min(span, 64)))
        after = _val(tr, f"{W}trPr/{W}gridAfter")
        row.extend([""] * int(after or 0))
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    # Converters leave sliver grid columns (a few twips wide) that split one printed column in two.
    widths = [int(gc.get(f"{W}w") or 0) for gc in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    if len(widths) == width and any(0 < w < SLIVER_TWIPS for w in widths):
        keep = [j for j, w in enumerate(widths) if w == 0 or w >= SLIVER_TWIPS]
        grid = [[r[j] for j in keep] for r in grid]
    return grid


def _blocks(parent):
    """Body children in order, looking inside content controls (w:sdt)."""
    for el in parent:
        if el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content)
        else:
            yield el


def read_docx(data: bytes) -> Document:
    from docx import Document as open_docx

    body = open_docx(io.BytesIO(data)).element.body
    lines: list[Line] = []
    for el in _blocks(body):
        if el.tag == f"{W}p":
            text = _para_text(el)
            if text:
                lines.append(Line([text]))
        elif el.tag == f"{W}tbl":
            lines.extend(Line(row, grid=True) for row in _table_grid(el) if any(c.strip() for c in row))
    return Document(lines=lines)
