"""Positioned text boxes (PDF words, OCR boxes) → table rows of cell strings.

Rows come from horizontal rules when the caller found them (a cell's wrapped
label stays in its row), else from vertical overlap of the boxes. Columns come
from the x extent of the value boxes; everything left of the first value
column is the label area, split where the boxes leave a gap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from crawler.extract.files.text import join_pieces
from crawler.extract.values import value_kind

_NEW_ITEM = re.compile(r"^\s*(?:第|[一二三四五六七八九十]+、|[（(]|\d+\s*[.．、])")


@dataclass
class Box:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def is_value(self) -> bool:
        return value_kind(self.text) in ("number", "blank")


def rows_by_overlap(boxes: list[Box]) -> list[list[Box]]:
    """Group boxes whose vertical centre falls inside the extent of the row's first box."""
    rows: list[list[Box]] = []
    top = bottom = 0.0
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows and top - 1 <= b.cy <= bottom + 1:
            rows[-1].append(b)  # the row keeps its first box's extent: stacked lines must not chain up
        else:
            rows.append([b])
            top, bottom = b.top, b.bottom
    return rows


def rows_by_rules(boxes: list[Box], rules: list[float]) -> list[list[Box]]:
    """Group boxes by the band between two horizontal rules their centre falls in."""
    bands: dict[int, list[Box]] = {}
    for b in boxes:
        bands.setdefault(bisect_right(rules, b.cy), []).append(b)
    return [bands[k] for k in sorted(bands)]


def _merge_intervals(spans: list[tuple[float, float]], pad: float) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + pad:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def columns(rows: list[list[Box]], pad: float) -> tuple[list[tuple[float, float]], int]:
    """Column x-intervals (value columns from the value boxes, label columns left of them)
    and how many label columns there are."""
    value_spans = [(b.x0, b.x1) for row in rows for b in row if b.is_value]
    if not value_spans:
        return [], 0
    cols = _merge_intervals(value_spans, pad)
    first = cols[0][0]
    label_spans = [(b.x0, min(b.x1, first - pad)) for row in rows for b in row if b.x0 < first - pad]
    labels = _merge_intervals(label_spans, pad)
    return labels + cols, len(labels)


def _overlaps(b: Box, col: tuple[float, float]) -> float:
    return min(b.x1, col[1]) - max(b.x0, col[0])


def to_grid(rows: list[list[Box]], cols: list[tuple[float, float]]) -> list[list[str]]:
    """Each box goes to the column it overlaps most; a box over several value columns fills them all."""
    grid = []
    for row in rows:
        pieces: list[list[Box]] = [[] for _ in cols]
        for b in row:
            hits = [i for i, c in enumerate(cols) if _overlaps(b, c) > 0.3 * min(b.x1 - b.x0, c[1] - c[0])]
            if not hits:
                hits = [min(range(len(cols)), key=lambda i: abs((cols[i][0] + cols[i][1]) / 2 - (b.x0 + b.x1) / 2))]
            if b.is_value:
                hits = hits[:1]
            for i in hits:
                pieces[i].append(b)
        grid.append([join_pieces([b.text for b in sorted(p, key=lambda b: (round(b.top / 4), b.x0))])
                     for p in pieces])
    return grid


def join_wrapped(grid: list[list[str]], n_label: int) -> list[list[str]]:
    """A row with text only in its label columns continues the row above it (a wrapped label)."""
    out: list[list[str]] = []
    for row in grid:
        values = row[n_label:]
        label = join_pieces(row[:n_label])
        if out and not any(values) and label and not _NEW_ITEM.match(label) and any(out[-1][n_label:]):
            prev = out[-1]
            out[-1] = [join_pieces([a, b]) if i < n_label else a for i, (a, b) in enumerate(zip(prev, row, strict=False))]
        else:
            out.append(row)
    return out
