"""Plain text → lines of cells, for every flattened rendering of a table.

Renderings seen on real pages: ' | ' joined rows, markdown rows, one cell per
line ending ' |' (a lone '|' is a blank cell), one cell per line with a lone
'|' between cells, one cell per paragraph, tab-separated rows, one cell per
line ended by a tab, and a PDF text
layer with page footers such as '- 3 -' inside tables.
"""

from __future__ import annotations

import re

from crawler.extract.document import MAX_LINES, Document, Line

_PAGE_FOOTER = re.compile(r"^\s*(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")
_ONLY_PIPES = re.compile(r"^\|+$")
_ALIGNMENT = re.compile(r"^:?-{3,}:?$")  # a Markdown table's '| --- | :---: |' row: layout, not cells


def _pipe_style(lines: list[str]) -> str:
    """'sep' when lone '|' lines only separate cells; 'cells' when a lone '|' is a blank cell."""
    lone = sum(1 for s in lines if s == "|")
    trailing = sum(1 for s in lines if len(s) > 1 and s.endswith("|") and not _ONLY_PIPES.match(s))
    if lone and trailing * 4 < lone:
        return "sep"
    return "cells"


def _markdown(lines: list[str]) -> bool:
    """Rows written '| a | b |' (a leading and trailing '|' are borders), not 'a | b' (every '|' separates)."""
    md = sum(1 for s in lines if s.startswith("|") and s.endswith("|") and s.count("|") >= 3)
    bare = sum(1 for s in lines if not s.startswith("|") and s.count("|") >= 2)
    return md >= bare


def _split_pipes(s: str, borders: bool = True) -> list[str]:
    """Cells of a '|' row. Without borders (' | '-joined rows), an edge '|' has a blank cell beyond it:
    'a | 1 | ' stripped to 'a | 1 |' still holds three cells."""
    body = s
    if borders or body.count("|") < 2:
        if body.startswith("|"):
            body = body[1:]
        if body.endswith("|"):
            body = body[:-1]
    return [c.strip() for c in body.split("|")]


def _paragraph_style(raw: list[str]) -> bool:
    """One cell per paragraph: most non-empty lines are followed by one empty line (three for an empty cell)."""
    gaps = []
    run = 0
    for s in raw:
        if s.strip():
            if run or gaps:
                gaps.append(run)
            run = 0
        else:
            run += 1
    # An empty cell adds two more empty lines (3, 5 …): a table of mostly blank cells is still this style.
    ones = sum(1 for g in gaps if g == 1)
    odd = sum(1 for g in gaps if g % 2 == 1)
    return len(gaps) >= 20 and odd >= 0.7 * len(gaps) and ones >= 0.3 * len(gaps)


def _tab_terminated(lines: list[str]) -> bool:
    """One cell per line, each ended by a tab (a browser's copy of some tables): the tab ends the cell,
    it does not start a blank one; a line holding only a tab is a blank cell."""
    tabbed = [s for s in lines if "\t" in s]
    ended = sum(1 for s in tabbed if s.endswith("\t") and s.count("\t") == 1)
    return ended >= 20 and ended >= 0.8 * len(tabbed)


def text_lines(text: str) -> list[Line]:
    """Split text into lines of cells; empty lines and page footers are dropped."""
    lines = text.replace("\f", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw = [s.strip(" \u3000\u00a0\v") for s in lines]  # tabs kept: a trailing tab is a blank cell
    style = _pipe_style(raw)
    borders = _markdown(raw)
    paragraphs = _paragraph_style(raw)
    if _tab_terminated(raw):
        raw = [("\x00" if s == "\t" else s[:-1]) if s.endswith("\t") else s for s in raw]
    out: list[Line] = []
    after_separator = False
    empty = 0
    for s in raw:
        if len(out) >= MAX_LINES:
            break
        if s == "\x00":  # a tab-terminated blank cell
            out.append(Line([""]))
            continue
        if not s.strip():
            empty += 1
            continue
        if paragraphs and empty >= 3 and empty % 2 == 1 and out:
            # An empty paragraph between two blank lines is an empty cell.
            out.extend(Line([""]) for _ in range((empty - 1) // 2))
        empty = 0
        if _PAGE_FOOTER.match(s):
            continue
        if _ONLY_PIPES.match(s):
            if style == "cells" and s == "|":
                out.append(Line([""]))
            elif style == "sep" and s == "|" and after_separator:
                out.append(Line([""]))  # nothing between two separators: a blank cell
            after_separator = True
            continue
        after_separator = False
        if "\t" in s:
            out.append(Line([c.strip() for c in s.split("\t")]))  # trailing blanks are cells too
        elif "|" in s:
            cells = _split_pipes(s.strip(), borders)
            if len(cells) >= 2 and all(_ALIGNMENT.match(c) for c in cells):
                continue
            out.append(Line(cells))
        else:
            out.append(Line([s.strip()]))
    return out


def text_document(text: str) -> Document:
    return Document(lines=text_lines(text))
