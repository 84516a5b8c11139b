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


def _lone_number(s: str) -> bool:
    from crawler.extract.values import value_kind

    return bool(s) and len(s) <= 12 and value_kind(s) == "number"


def _empty_line_cells(raw: list[str]) -> bool:
    """One cell per line with a blank cell left as an empty line ('25', five empty lines, '25'): cells follow
    each other with no empty line between, and empty lines sit beside a lone number again and again."""
    filled = [n for n, s in enumerate(raw) if s.strip()]
    if len(filled) < 40:
        return False
    gaps = [b - a - 1 for a, b in zip(filled, filled[1:], strict=False)]
    between = sum(1 for (a, b), g in zip(zip(filled, filled[1:], strict=False), gaps, strict=True)
                  if g and _cell_like(raw[a].strip()) and _cell_like(raw[b].strip())
                  and (_lone_number(raw[a].strip()) or _lone_number(raw[b].strip())))
    return between >= 3 and sum(1 for g in gaps if g == 0) >= 0.6 * len(gaps)


def _cell_like(s: str) -> bool:
    return len(s) <= 40 and "。" not in s


def text_lines(text: str) -> list[Line]:
    """Split text into lines of cells; empty lines and page footers are dropped."""
    lines = text.replace("\f", "\n").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw = [s.strip(" \u3000\u00a0\v") for s in lines]  # tabs kept: a trailing tab is a blank cell
    style = _pipe_style(raw)
    borders = _markdown(raw)
    paragraphs = _paragraph_style(raw)
    empty_cells = not paragraphs and _empty_line_cells(raw)
    if _tab_terminated(raw):
        raw = [("\x00" if s == "\t" else s[:-1]) if s.endswith("\t") else s for s in raw]
    out: list[Line] = []
    after_separator = False
    empty = 0
    previous = ""
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
        elif empty_cells and empty and out and _cell_like(previous) and _cell_like(s.strip()):
            out.extend(Line([""]) for _ in range(empty))  # each empty line between two cells is a blank one
        empty = 0
        previous = s.strip()
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


# A saved page's header block, as crawlers and clipping tools write it above the article text:
# '标题: …', '发布时间: 2024-01-20', '原文链接: http://…' (one field a line, before the first other line).
_HEADER_FIELD = re.compile(r"^\s*(标题|题目|文章标题|发布时间|发布日期|原文链接|原文地址|链接|网址|来源|发布机构|URL|Title|Date)"
                           r"\s*[:：]\s*(.*?)\s*$", re.I)
_ISO_DATE = re.compile(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_FIELDS = {"标题": "title", "题目": "title", "文章标题": "title", "title": "title",
           "发布时间": "published", "发布日期": "published", "date": "published",
           "原文链接": "url", "原文地址": "url", "链接": "url", "网址": "url", "url": "url",
           "来源": "agency", "发布机构": "agency"}


def header_fields(text: str) -> tuple[dict[str, str], str]:
    """The fields of a header block at the top of the text, and the text after it (unchanged when none)."""
    lines = text.split("\n")
    fields: dict[str, str] = {}
    line_no = 0
    while line_no < len(lines) and line_no < 12:
        s = lines[line_no]
        if not s.strip():
            line_no += 1
            continue
        m = _HEADER_FIELD.match(s)
        if not m:
            break
        name = _FIELDS[m.group(1).lower() if m.group(1).isascii() else m.group(1)]
        if m.group(2) and name not in fields:
            fields[name] = m.group(2)
        line_no += 1
    if "title" not in fields or len(fields) < 2:
        return {}, text  # one '标题:' line alone is a line of the text, not a block
    return fields, "\n".join(lines[line_no:])


def text_document(text: str) -> Document:
    fields, rest = header_fields(text)
    doc = Document(lines=text_lines(rest))
    doc.title = fields.get("title")
    doc.agency = fields.get("agency")
    if (m := _ISO_DATE.search(fields.get("published", ""))) is not None:
        year, month, day = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            doc.published, doc.published_source = f"{year:04d}-{month:02d}-{day:02d}", "text"
    doc.url = fields.get("url")
    return doc
