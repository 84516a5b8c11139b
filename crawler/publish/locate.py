"""Find a cell's printed figure in the archived original and mark it, so a reader can check it by eye.

HTML: the table row whose label names the cell's row (the extractor's own
`match_row`), then in it the number cell in the column's place, else the
one number cell of that row printing the value (two or more: not marked). The mark is a `<mark id="nianbao-mark">`
with an inline style, so the sandboxed original (no scripts) shows it and
`#nianbao-mark` scrolls to it. Text (PDF, Word, Excel, scans read as text):
the line naming the row, and in it the value. Nothing found → None, and the
page says so rather than marking a guess.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from crawler import schema
from crawler.extract.labels import match_row

MARK_ID = "nianbao-mark"
MARK_STYLE = "background:#ffeb3b;outline:3px solid #e65100;outline-offset:1px"
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


@dataclass
class Located:
    html: str  # the document with the mark in it
    how: str  # row-and-column | row-and-value | text-line


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _same_number(text: str, value: float | None, raw: str | None) -> bool:
    t = _squash(text).replace(",", "")
    if raw is not None and t == _squash(raw):
        return True
    if value is None or not _NUMBER.match(t):
        return False
    return float(t) == float(value)


def _rows_of(tr, part: str, template: str, last_row: str | None) -> list[str]:
    """The template rows the label cells of a table row name (a group cell and the row's own label)."""
    named = []
    for cell in tr.find_all(["td", "th"], recursive=False):
        text = cell.get_text(" ", strip=True)
        if text and not _NUMBER.match(_squash(text)):
            m = match_row(text, template, named[-1] if named else last_row)
            if m is not None and m.part == part:
                named.append(m.row)
    return named


def _appeals_cell(soup, col: str, row: str, value: float | None, raw: str | None):
    """The appeals table prints one row of 15 numbers (复议 5, 直接起诉 5, 复议后起诉 5) in template order."""
    index = [r.key for r in schema.APPEALS].index(row) * 5 + schema.APPEAL_COLUMNS.index(col)
    for tr in soup.find_all("tr"):
        numbers = [c for c in tr.find_all(["td", "th"], recursive=False) if _NUMBER.match(_squash(c.get_text()))]
        if len(numbers) == 15 and _same_number(numbers[index].get_text(), value, raw):
            return numbers[index]
    return None


def mark_html(text: str, template: str, key: str, value: float | None, raw: str | None) -> Located | None:
    """The original HTML with the cell's printed figure marked, or None when it cannot be found for sure."""
    part, row, col = schema.split_key(key)
    soup = BeautifulSoup(text, "html.parser")
    found, how = None, ""
    if part == "appeals":
        found, how = _appeals_cell(soup, col, row, value, raw), "row-and-column"
    else:
        last = None
        columns = next((r.columns for r in schema.template_rows(template).get(part, ()) if r.key == row), ())
        for tr in soup.find_all("tr"):
            named = _rows_of(tr, part, template, last)
            if not named:
                continue
            last = named[-1]
            if row not in named:
                continue
            numbers = [c for c in tr.find_all(["td", "th"], recursive=False)
                       if _NUMBER.match(_squash(c.get_text()).replace(",", ""))]
            if len(numbers) == len(columns) and col in columns \
                    and _same_number(numbers[columns.index(col)].get_text(), value, raw):
                found, how = numbers[columns.index(col)], "row-and-column"
                break
            same = [c for c in numbers if _same_number(c.get_text(), value, raw)]
            if len(same) == 1:  # the columns are not where the template puts them: only an unambiguous value
                found, how = same[0], "row-and-value"
                break
    if found is None:
        return None
    found["id"] = MARK_ID
    found["style"] = (found.get("style", "") + ";" + MARK_STYLE).lstrip(";")
    found["title"] = f"{schema.cell_label(key)}：{raw if raw is not None else value}"
    return Located(str(soup), how)


def mark_text(text: str, template: str, key: str, value: float | None, raw: str | None) -> Located | None:
    """Plain text (escaped for a <pre>) with the value marked on the line that names the cell's row."""
    part, row, _ = schema.split_key(key)
    want = _squash(raw) if raw is not None else (str(int(value)) if value is not None and float(value).is_integer()
                                                   else str(value))
    if not want:
        return None
    lines = (text or "").splitlines()
    last = None
    for i, line in enumerate(lines):
        m = match_row(re.split(r"\s\s+|\t|\s(?=\d)", line.strip())[0], template, last) if line.strip() else None
        if m is None:
            continue
        last = m.row
        if m.part != part or m.row != row:
            continue
        tokens = re.split(r"(\s+)", line)
        for j, tok in enumerate(tokens):
            if _squash(tok) == want:
                tokens[j] = f'<mark id="{MARK_ID}" style="{MARK_STYLE}">{html.escape(tok)}</mark>'
                out = [html.escape(x) for x in lines]
                out[i] = "".join(t if t.startswith("<mark") else html.escape(t) for t in tokens)
                return Located("\n".join(out), "text-line")
    return None
