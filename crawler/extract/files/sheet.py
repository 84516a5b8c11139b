"""XLSX → lines: each sheet's used range as a grid, merged ranges read as the sheet prints them; one-cell rows as text lines.

A merged range is one printed cell, as a colspan is in HTML: its text is carried
down the rows it covers but counted once across its columns, so a value merged
over two columns ('规章 | 0 (D:E) | 11 (F:G)', a table laid on the columns of a
wider one) is one value, not two. A table's columns are the sheet columns where
some printed cell of the table starts; a value row takes the columns of the
header above it, so a value typed into the second column of a merged header
cell still belongs to that header. Rows that only continue a label merged over
several rows (the label two rows tall, its numbers in one of them) are read as
one row.
"""

from __future__ import annotations

import bisect
import io
import re
import zipfile
from dataclasses import dataclass

from crawler.extract.document import Document, Line
from crawler.extract.files.limits import MAX_SHEET_CELLS, fail
from crawler.extract.values import value_kind


def _show(value: object) -> str:
    """A cell value as a reader sees it: 3.0 → '3', dates and text as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return str(value).strip()


@dataclass(frozen=True)
class _Slot:
    """One printed cell as a row meets it: its text, the column it starts at and the last it covers."""

    text: str
    col: int
    last: int
    origin: tuple[int, int]  # the merged range's top-left cell (the cell itself when not merged)

    @property
    def is_value(self) -> bool:
        return not self.text or value_kind(self.text) in ("number", "blank")

    @property
    def is_number(self) -> bool:
        return bool(self.text) and value_kind(self.text) == "number"


class _Sheet:
    """A sheet's cell texts with each cell's merged range (origin, and the range's last row and column)."""

    def __init__(self, grid: list[list[str]], ranges: list[tuple[int, int, int, int]]):
        self.grid = grid
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        self.extent: dict[tuple[int, int], tuple[int, int]] = {}
        height, width = len(grid), len(grid[0]) if grid else 0
        for r0, c0, r1, c1 in ranges:  # 0-based, inclusive
            r1, c1 = min(r1, height - 1), min(c1, width - 1)
            if r0 > r1 or c0 > c1:
                continue
            self.extent[(r0, c0)] = (r1, c1)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.origin[(r, c)] = (r0, c0)
                    grid[r][c] = grid[r0][c0]

    def merged_rows(self) -> set[int]:
        return {r for (r, _c) in self.origin}

    def starts(self, r: int) -> set[int]:
        """Columns where a printed cell of row r starts: a text, or a merged range (even an empty one)."""
        out = set()
        for c, text in enumerate(self.grid[r]):
            o = self.origin.get((r, c))
            if (o is None and text) or (o is not None and o[1] == c):
                out.add(c)
        return out

    def slots(self, r: int, bounds: list[int]) -> list[_Slot]:
        """Row r at the table's columns, a merged range once (not again in the columns it spans)."""
        out = []
        for c in bounds:
            o = self.origin.get((r, c), (r, c))
            if o[1] != c:
                continue  # the rest of a range merged across columns
            last = self.extent.get(o, (r, c))[1]
            out.append(_Slot(self.grid[r][c], c, last, o))
        return out


def _value_start(slots: list[_Slot]) -> int | None:
    """The first column after the row's labels, when the row holds a number."""
    if not any(s.is_number for s in slots):
        return None
    labels = [s for s in slots if not s.is_value]
    return labels[-1].last + 1 if labels else slots[0].col


def _header(rows: list[list[_Slot]], wordy: list[int], at: int, start: int) -> list[_Slot] | None:
    """The nearest row above `at` with no number that names two columns or more from `start` on.

    `wordy` lists (ascending) the rows that hold no number: only they are walked back through, so a
    sheet of thousands of value rows under one header costs one step a row, not one a row above it.
    """
    for i in range(bisect.bisect_left(wordy, at) - 1, -1, -1):
        named = [s for s in rows[wordy[i]] if s.text and s.last >= start]
        if len(named) >= 2:
            return named
    return None


def _under_header(row: list[_Slot], header: list[_Slot], start: int) -> list[str]:
    """A value row's cells, those under one header cell taken together: the one value among them,
    blank when none, and the values side by side (unreadable, so left missing) when they disagree."""
    keys: list[tuple] = []
    groups: list[list[str]] = []
    for s in row:
        if s.col < start:
            continue
        under = next((h for h in header if h.col <= s.col <= h.last), None)
        key = ("header", under.col) if under else ("own", s.col)
        if keys and keys[-1] == key:
            groups[-1].append(s.text)
        else:
            keys.append(key)
            groups.append([s.text])
    return [s.text for s in row if s.col < start] + [" ".join(dict.fromkeys(t for t in g if t)) for g in groups]


def _one_label(sheet: _Sheet, rows: list[int], bounds: list[int]) -> list[list[_Slot]]:
    """Rows whose labels are ranges merged down over them all, and of which at most one holds values,
    as one row (the label two rows tall, its numbers in one of them; or values merged down as well)."""
    out: list[list[_Slot]] = []
    last_key = None
    for r in rows:
        slots = sheet.slots(r, bounds)
        labels = tuple(s.origin for s in slots if not s.is_value)
        merged_down = bool(labels) and all(sheet.extent.get(o, o)[0] > o[0] for o in labels)
        key = labels if merged_down else None
        if key is not None and key == last_key and out:
            prev = out[-1]
            shared = {s.origin for s in prev} & {s.origin for s in slots}  # ranges merged down over both
            before = [s.text for s in prev if s.is_value and s.origin not in shared]
            now = [s.text for s in slots if s.is_value and s.origin not in shared]
            if not any(before):
                out[-1] = slots
                continue
            if not any(now):
                continue
        out.append(slots)
        last_key = key
    return out


def _table(sheet: _Sheet, rows: list[int]) -> list[Line]:
    bounds = sorted(set().union(*(sheet.starts(r) for r in rows)))
    slotted = _one_label(sheet, rows, bounds)
    wordy = [k for k, row in enumerate(slotted) if not any(s.is_number for s in row)]
    lines = []
    for k, row in enumerate(slotted):
        start = _value_start(row)
        header = _header(slotted, wordy, k, start) if start is not None else None
        cells = _under_header(row, header, start) if header and start is not None else [s.text for s in row]
        lines.append(Line(cells, grid=True))
    return lines


def _lines(sheet: _Sheet) -> list[Line]:
    """Rows as lines: a lone unmerged value is a text line; runs of other rows are one table each."""
    merged = sheet.merged_rows()
    out: list[Line] = []
    block: list[int] = []

    def flush() -> None:
        if block:
            out.extend(_table(sheet, block))
        block.clear()

    for r, row in enumerate(sheet.grid):
        filled = [c for c in row if c]
        if len(filled) == 1 and r not in merged or not filled:
            flush()
            if filled:
                out.append(Line([filled[0]]))
        else:
            block.append(r)
    flush()
    return out


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")


def count_cells(data: bytes, name: str | None = None) -> None:
    """Count each worksheet's cells by streaming its XML, before openpyxl builds an object per cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            cells, rest = 0, b""
            with z.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    buf = rest + chunk
                    cut = buf.rfind(b">") + 1  # a tag never straddles the cut
                    cells += len(_CELL.findall(buf, 0, cut))
                    rest = buf[cut:]
                    if cells > MAX_SHEET_CELLS:
                        raise fail(name, f"{info.filename} holds more than {MAX_SHEET_CELLS:,} cells, "
                                         "more than a report holds")


def read_xlsx(data: bytes, name: str | None = None) -> Document:
    from openpyxl import load_workbook

    count_cells(data, name)
    wb = load_workbook(io.BytesIO(data), data_only=True)
    lines: list[Line] = []
    for ws in wb.worksheets:
        if ws.max_row * ws.max_column > MAX_SHEET_CELLS:
            raise fail(name, f"sheet {ws.title!r} has {ws.max_row} x {ws.max_column} cells, more than a report holds")
        grid = [[_show(c.value) for c in row] for row in ws.iter_rows(max_row=ws.max_row, max_col=ws.max_column)]
        ranges = [(rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1) for rng in ws.merged_cells.ranges]
        lines.extend(_lines(_Sheet(grid, ranges)))
    return Document(lines=lines)
