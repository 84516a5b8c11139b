"""How one report page prints its numbers and labels: the quirks real pages have.

A ``PrintStyle`` is drawn once per report from the seeded RNG. ``show``
turns a true value into the text of a cell and says what a careful reader
must record for it (the gold): blanks and '/' are recorded as null.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from crawler import schema

_COUNTED_IN_JIAN = frozenset({"issued", "repealed", "in_force", "made", "published", "total_published", "decisions"})
FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")


@dataclass
class PrintStyle:
    """The per-report choices; each is something a real page does."""

    zero_blank: bool = False  # zeros in 三/四 printed as empty cells
    regulations_slash: bool = False  # 规章 row printed '/' (not applicable at district level)
    unit_jian: bool = False  # counts in 二 printed '3件'
    fee_unit: bool = False  # 行政事业性收费 printed '0.5万元'
    procurement_unit_in_cell: bool = False  # 采购总金额 printed '123.45万元' (else the header says 万元)
    thousands: bool = False  # 1,234
    fullwidth_rate: float = 0.0  # share of number cells printed in full-width digits
    misspell_enforcement: bool = False  # 行政制法案件 for 行政执法案卷
    misspell_internal: bool = False  # 三类内容事务信息 for 三类内部事务信息
    split_labels: str = ""  # "" | "p" | "br": long labels broken over lines inside the cell
    drop_numbering: bool = False  # '属于国家秘密' for '1.属于国家秘密'
    cell_markup: str = "word"  # word (td>p with inline styles) | plain | span
    no_colspan_values: bool = False  # one-value rows in 二 padded with empty cells instead of colspan

    @classmethod
    def draw(cls, rng: random.Random) -> PrintStyle:
        return cls(
            zero_blank=rng.random() < 0.15,
            regulations_slash=rng.random() < 0.2,
            unit_jian=rng.random() < 0.12,
            fee_unit=rng.random() < 0.3,
            procurement_unit_in_cell=rng.random() < 0.4,
            thousands=rng.random() < 0.5,
            fullwidth_rate=0.3 if rng.random() < 0.1 else 0.0,
            misspell_enforcement=rng.random() < 0.15,
            misspell_internal=rng.random() < 0.1,
            split_labels=rng.choice(("", "", "p", "br")),
            drop_numbering=rng.random() < 0.15,
            cell_markup=rng.choice(("word", "word", "plain", "span")),
            no_colspan_values=rng.random() < 0.2,
        )


def _fmt_decimal(v: float | int) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def show(key: str, value: int | float, style: PrintStyle, rng: random.Random) -> tuple[str, int | float | None]:
    """(printed text, gold value) for one cell."""
    part, row, col = schema.split_key(key)
    if value == 0 and row == "regulations" and style.regulations_slash:
        return "/", None
    if value == 0 and part in ("requests", "appeals") and style.zero_blank:
        return "", None
    if key in schema.DECIMAL_CELLS:
        text = _fmt_decimal(value)
        gold: int | float = int(value) if float(value).is_integer() else float(text)
        if (row == "fees" and style.fee_unit) or (row == "procurement" and style.procurement_unit_in_cell):
            text += "万元"
    else:
        gold = int(value)
        text = f"{int(value):,}" if style.thousands and abs(value) >= 1000 else str(int(value))
        if part == "proactive" and style.unit_jian and col in _COUNTED_IN_JIAN:
            text += "件"
    if style.fullwidth_rate and rng.random() < style.fullwidth_rate:
        text = text.translate(FULLWIDTH)
    return text, gold
