"""An HTML table → a grid of cell texts with rowspan and colspan expanded."""

from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from crawler import schema
from crawler.extract.headers import applicant_order

MAX_SPAN = 60
MAX_COLUMNS = 200
MAX_ROWS = 2000  # a report's tables have some fifty rows; the rest of a giant table is not a report
_SPACE = re.compile(r"\s+")


#: Elements that start a new piece of text (in a cell, or in the page); inline ones (span, font, b…) do not.
BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr td th table section article header footer dd dt dl blockquote pre "
    "form center main aside nav hr caption".split()
)
#: Elements whose text is never the report's.
SKIP_TAGS = frozenset("script style noscript template head iframe object svg select option button".split())


def cell_text(cell: Tag) -> str:
    """A cell's text on one line: blocks (<p>, <br>) joined with a space, inline runs with nothing —
    Word's HTML writes 87 as <span>8</span><span>7</span>, which a browser shows as 87."""
    parts: list[str] = []
    stack = list(reversed(cell.contents))
    while stack:
        node = stack.pop()
        if isinstance(node, Tag):
            if node.name in SKIP_TAGS:
                continue
            if node.name in BLOCK_TAGS:
                parts.append(" ")
            stack.extend(reversed(node.contents))
        elif type(node) is NavigableString:
            parts.append(str(node))
    return _SPACE.sub(" ", "".join(parts)).strip()


def _span(cell: Tag, name: str) -> int:
    value = cell.get(name)
    if value is None:
        return 1
    raw = str(value)
    digits = re.match(r"\s*(\d+)", raw)
    span = int(digits.group(1)) if digits else 1
    return max(1, min(span, MAX_SPAN))


def own_rows(table: Tag) -> list[Tag]:
    """The table's rows, not those of tables nested in its cells."""
    rows: list[Tag] = []
    for tr in table.find_all("tr", limit=MAX_ROWS * 4):
        if len(rows) >= MAX_ROWS:
            break
        parent = tr.parent
        while parent is not None and parent.name != "table":
            parent = parent.parent
        if parent is table:
            rows.append(tr)
    return rows


def _carry_down(row: list[tuple[str, bool]], pending: dict[tuple[int, int], str], r: int) -> None:
    """Fill the slots of row r that a cell above covers with its rowspan."""
    while (r, len(row)) in pending:
        row.append((pending.pop((r, len(row))), False))


def spanned_grid(table: Tag) -> list[list[tuple[str, bool]]]:
    """Rows of (cell text, is a colspan copy); a spanned cell's text fills every slot it covers."""
    grid: list[list[tuple[str, bool]]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, col) → text carried down by rowspan
    for r, tr in enumerate(own_rows(table)):
        row: list[tuple[str, bool]] = []
        for cell in tr.find_all(["td", "th"], recursive=False):
            _carry_down(row, pending, r)
            text = cell_text(cell)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            for k in range(colspan):
                if len(row) >= MAX_COLUMNS:
                    break
                for down in range(1, rowspan):
                    pending[(r + down, len(row))] = text
                row.append((text, k > 0))
        _carry_down(row, pending, r)
        grid.append(row)
    return grid


def table_grid(table: Tag) -> list[list[str]]:
    """Rows of cell texts with rowspan and colspan expanded."""
    return [[text for text, _ in row] for row in spanned_grid(table)]


# Header words of table 三's applicant columns, in the order the data is read (docs/schema.md).
_APPLICANT_HEADERS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def applicant_columns(grid: list[list[tuple[str, bool]]]) -> tuple[int, list[int]] | None:
    """(header rows, column of each applicant header in schema order) when table 三 prints them in another order.

    Headers are matched in the expanded grid, so a column's header is the last
    header cell above it; None when the header is missing, ambiguous, or already
    in the usual order (then the values are read in that order anyway).
    """
    for r, row in enumerate(grid[:6]):
        if not any(_squash(text) == "自然人" for text, _ in row):
            continue
        header_rows = grid[r:r + 3]
        where: dict[str, int] = {}
        for hr in header_rows:
            for c, (text, _) in enumerate(hr):
                word = _squash(text)
                if word in _APPLICANT_HEADERS and word not in where:
                    where[word] = c
        if len(where) != len(_APPLICANT_HEADERS) or len(set(where.values())) != len(where):
            return _flattened_header(header_rows, r)
        cols = [where[w] for w in _APPLICANT_HEADERS]
        subtotal = any(_squash(text) == "小计" for hr in header_rows for text, _ in hr)
        if cols == sorted(cols) and not subtotal:  # a 小计 column is left out by reading the seven by place
            return None
        last_header = max(i for i, hr in enumerate(header_rows) if any(_squash(t) in _APPLICANT_HEADERS for t, _ in hr))
        return r + last_header + 1, cols
    return None


def _flattened_header(header_rows: list[list[tuple[str, bool]]], r: int) -> tuple[int, list[int]] | None:
    """A header printed without spans, row by row: the data's seven values are each row's last seven
    cells, in the order the header words give (columns as negative indices from the row's end)."""
    printed = applicant_order([text for row in header_rows for text, copy in row if not copy])
    if printed is None or printed == schema.REQUEST_COLUMNS:
        return None
    width = len(printed)
    last_header = max(i for i, hr in enumerate(header_rows) if any(_squash(t) in _APPLICANT_HEADERS for t, _ in hr))
    return r + last_header + 1, [printed.index(col) - width for col in schema.REQUEST_COLUMNS]


def table_rows(table: Tag) -> list[list[str]]:
    """Rows as read across: rowspan carried down, but a cell spanning columns counted once.

    '规章 | 13 | 13 (colspan 2) | 524' holds three values, not four. When table
    三's header orders the applicant columns differently from the schema, its
    data rows are given in the schema's order.
    """
    grid = spanned_grid(table)
    order = applicant_columns(grid)
    out = []
    for r, row in enumerate(grid):
        if order and r >= order[0] and min(order[1]) < 0 and len(row) > len(order[1]):
            labels = [text for text, copy in row[:-len(order[1])] if not copy]
            out.append(labels + [row[c][0] for c in order[1]])
        elif order and r >= order[0] and min(order[1]) >= 0 and len(row) > max(order[1]):
            first = min(order[1])
            labels = [text for text, copy in row[:first] if not copy]
            out.append(labels + [row[c][0] for c in order[1]])
        else:
            out.append([text for text, copy in row if not copy])
    return out
