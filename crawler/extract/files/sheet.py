"""XLSX → lines: each sheet's used range as a grid, merged ranges expanded; one-cell rows as text lines."""

from __future__ import annotations

import io
import re
import zipfile

from crawler.extract.document import Document, Line
from crawler.extract.files.limits import MAX_SHEET_CELLS, fail


def _show(value: object) -> str:
    """A cell value as a reader sees it: 3.0 → '3', dates and text as text."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.10g}"
    return str(value).strip()


def _lines(grid: list[list[str]], merged: set[int]) -> list[Line]:
    """Rows as lines: a lone unmerged value is a text line; runs of other rows are one table each,
    cut to the table's own width (the sheet is as wide as its widest table, and a row's trailing
    blanks are real blank cells)."""
    out: list[Line] = []
    block: list[list[str]] = []

    def flush() -> None:
        width = max((max(i for i, c in enumerate(r) if c) + 1 for r in block), default=0)
        out.extend(Line(r[:width], grid=True) for r in block)
        block.clear()

    for n, row in enumerate(grid, start=1):
        filled = [c for c in row if c]
        if len(filled) == 1 and n not in merged or not filled:
            flush()
            if filled:
                out.append(Line([filled[0]]))
        else:
            block.append(row)
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
        merged = set()
        for rng in ws.merged_cells.ranges:
            text = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[r - 1][c - 1] = text
                    merged.add(r)
        lines.extend(_lines(grid, merged))
    return Document(lines=lines)
