"""Lines of cells → a stream of label and value tokens.

A text line may carry a label followed by its numbers ('规章 0 0 0'), only
numbers ('1 0 0 0 0 0 1'), or only words; a grid cell is one token as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.extract.document import Line
from crawler.extract.values import normalize_width, parse_number, value_kind


@dataclass
class Token:
    """One cell's worth of text, with the line it sat on (rows printed whole anchor the pairing)."""

    kind: str  # 'label', 'number', 'blank', 'junk'
    text: str
    line: int
    grid: bool  # from an HTML table rather than flattened text

    @property
    def is_value(self) -> bool:
        return self.kind != "label"

    @property
    def value(self) -> int | float | None:
        return parse_number(self.text) if self.kind == "number" else None


def _split_text_cell(cell: str) -> tuple[str, list[str]]:
    """'规章 0 0 0' → ('规章', ['0', '0', '0']); trailing space-separated values are peeled off."""
    parts = normalize_width(cell).split()
    values: list[str] = []
    while parts and value_kind(parts[-1]) in ("number", "blank") and parts[-1] not in ("无",):
        values.append(parts.pop())
    values.reverse()
    return " ".join(parts), values


# A row label with its cells' digits printed right after it, no separator: '规范性文件898989'.
_GLUED_TAIL = re.compile(r"^(.*[\u4e00-\u9fff）)”\"])([+-]?\d[\d.+-]*)$")
_SHORT_ROWS = ("其他", "总计", "合计")
_APPEAL_ROWS = ("行政复议", "未经复议直接起诉", "直接起诉", "复议后起诉")


def _glued_label(label: str) -> tuple[str, str] | None:
    """(label, run) when a label cell ends in digits and the words before them name a table row."""
    from crawler.extract.labels import is_sentence, match_row, norm_label

    m = _GLUED_TAIL.match(label)
    if not m or is_sentence(label):
        return None
    words, run = m.group(1).strip(), m.group(2)
    if norm_label(words) in _SHORT_ROWS or norm_label(words) in _APPEAL_ROWS or any(match_row(words, t) is not None for t in ("2021", "2019")):
        return words, run
    return None


def _all_values(text: str) -> bool:
    parts = normalize_width(text).split()
    return len(parts) > 1 and all(value_kind(p) in ("number", "blank") for p in parts)


def tokenize(lines: list[Line]) -> list[Token]:
    """The document as labels and values in reading order."""
    tokens: list[Token] = []
    for n, line in enumerate(lines):
        for cell in line.cells:
            text = cell.strip()
            kind = value_kind(text)
            if line.grid or kind in ("number", "blank") or (kind == "junk" and not _all_values(text)):
                tokens.append(Token(kind, text, n, line.grid))
                continue
            label, values = _split_text_cell(text)
            if label and not values and (glued := _glued_label(label)) is not None:
                label, values = glued[0], [glued[1]]
            if label:
                tokens.append(Token("label", label, n, False))
            tokens.extend(Token(value_kind(v), v, n, False) for v in values)
    return tokens
