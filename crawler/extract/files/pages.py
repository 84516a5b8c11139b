"""A page as items (tables and text lines at their height), and pages stitched into document lines.

Shared by the PDF reader (text pages) and the OCR reader (scanned pages and images).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from crawler.extract.document import Document, Line
from crawler.extract.files.text import join_pieces
from crawler.extract.values import value_kind


@dataclass
class Item:
    """A table or a text line of one page, at its vertical position."""

    top: float
    grid: list[list[str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)  # a text line: one cell, or several far apart


def _cut_row(prev: list[str], first: list[str]) -> bool:
    """The first row of a page continues the last row of the previous page (a row split by the page break)."""
    if len(prev) != len(first) or not any(first):
        return False
    for a, b in zip(prev, first, strict=False):
        if b and (value_kind(b) != "label" or not a or value_kind(a) != "label"):
            return False
    return True


def carry_labels(prev: list[str], grid: list[list[str]]) -> list[list[str]]:
    """A row-spanning label cut by the page break ('三、本年度办理结果', '（五）不予处理') is printed on
    the first page only: fill it down the continuation's leading rows that are blank in its column."""
    grid = [list(r) for r in grid]
    for c, text in enumerate(prev):
        if not text or value_kind(text) != "label" or c + 1 >= len(prev) or prev[c + 1] == text:
            continue  # only a label column with its own cell (not one spread over the next column)
        for row in grid:
            if row[c]:
                break
            row[c] = text
    return grid


def stitch(pages: list[list[Item]]) -> list[Line]:
    """All pages' items as lines; a table cut by a page break gets its row-spanning labels and its
    cut row back."""
    lines: list[Line] = []
    last_grid: list[list[str]] | None = None
    for items in pages:
        for it in items:
            if not it.grid:
                if any(it.cells):
                    lines.append(Line(list(it.cells)))
                last_grid = None
                continue
            grid = it.grid
            # A table going on after a page break (or a page seam inside one long image): same width,
            # nothing printed between.
            if last_grid and len(last_grid[-1]) == len(grid[0]):
                grid = carry_labels(last_grid[-1], grid)
            if last_grid and _cut_row(last_grid[-1], grid[0]):
                joined = [join_pieces([a, b]) if b and b != a else a for a, b in zip(last_grid[-1], grid[0], strict=False)]
                lines[-1] = Line(joined, grid=True)
                grid = grid[1:]
            lines.extend(Line(list(r), grid=True) for r in grid)
            last_grid = it.grid
    return lines


class Flexible(Protocol):
    """A page some of whose boxes could belong elsewhere (OCR): each doubt has options, option 0 as read."""

    doubts: list[tuple[str, int]]  # (what is in doubt, in words; how many options)

    def items(self, choice: Sequence[int] = ()) -> list[Item]: ...


def page_document(pages: list[list[Item] | Flexible], recognized: bool) -> Document:
    """Pages as one document; where a page has doubts, the document can be laid out again with other
    options (Document.relayout), and the reader lets the tables' arithmetic choose."""
    flexible = [(n, p) for n, p in enumerate(pages) if not isinstance(p, list) and p.doubts]

    def layout(choice: Sequence[int] = ()) -> list[Line]:
        picks = list(choice)
        out = []
        for page in pages:
            if isinstance(page, list):
                out.append(page)
                continue
            k = len(page.doubts)
            out.append(page.items(picks[:k]))
            picks = picks[k:]
        return stitch(out)

    doc = Document(lines=layout(), recognized=recognized)
    if flexible:
        doc.doubts = [(f"第{n + 1}页：{what}", options) for n, p in flexible for what, options in p.doubts]
        doc.relayout = layout
    return doc
