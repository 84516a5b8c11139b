"""Cell text → number. Blank and not-applicable marks become None, never 0."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Marks that mean "blank" or "not applicable" (docs/schema.md: recorded as null).
BLANK_MARKS = frozenset(
    {"", "/", "-", "--", "---", "—", "——", "–", "_", "__", "___", "无", "空", "\\", "x", "X", "×", "/ /", "…", "......"}
)
UNITS = ("万元", "件次", "件", "个", "项", "条", "次", "起", "份", "元", "万", "宗", "家", "人次")

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"\d")
_SPACED_DIGITS = re.compile(r"\d\s+[\d+-]")


#: Zero-width and soft-hyphen characters some editors leave in cells ('\u200b87'): dropped before reading.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def drop_invisible(text: str) -> str:
    return _INVISIBLE.sub("", text)


#: Chinese numerals: digits (a year's 〇/○ included) and the units of a count ('一百零五').
CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_number(text: str) -> int | None:
    """'十二' → 12, '一百零五' → 105, '两' → 2, '一〇五' → 105; None when it is not a number."""
    if not text or any(ch not in CN_DIGITS and ch not in CN_UNITS for ch in text):
        return None
    if not any(ch in CN_UNITS for ch in text):
        return int("".join(str(CN_DIGITS[ch]) for ch in text))
    total = pending = 0
    for ch in text:
        if ch in CN_DIGITS:
            pending = CN_DIGITS[ch]
        else:
            total += (pending or 1) * CN_UNITS[ch]
            pending = 0
    return total + pending


def normalize_width(text: str) -> str:
    """Full-width digits, letters and punctuation → half-width; nbsp and ideographic space → space."""
    return unicodedata.normalize("NFKC", text).replace("\u00a0", " ").replace("\u3000", " ")


def strip_unit(text: str) -> str:
    text = re.sub(r"[(（](?:件|个|项|条|次|起|份|万元|元)[)）]$", "", text)
    for unit in UNITS:
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)].strip()
    return text


def is_blank_mark(text: str) -> bool:
    return normalize_width(text).strip() in BLANK_MARKS


@lru_cache(maxsize=50000)
def parse_number(text: str) -> int | float | None:
    """A count or amount as printed ('1,234', '０', '4166.24万元', '-3'); None when not a plain number."""
    t = normalize_width(text).strip()
    if _SPACED_DIGITS.search(t):
        return None  # '9 0 0 0' is several cells, not one number
    t = strip_unit(t.replace(" ", ""))
    m = _NUMBER.match(t)
    if not m:
        return None
    sign, whole, frac = m.groups()
    whole = whole.replace(",", "")
    if frac:
        value: int | float = float(whole + frac)
    else:
        value = int(whole)
    return -value if sign == "-" else value


@lru_cache(maxsize=50000)
def value_kind(text: str) -> str:
    """'number', 'blank' (blank or not applicable), 'junk' (digits but no words, unreadable) or 'label'."""
    t = normalize_width(text).strip()
    if t in BLANK_MARKS:
        return "blank"
    if parse_number(t) is not None:
        return "number"
    if _DIGIT.search(t) and not _CJK.search(t) and len(t) <= 24:
        return "junk"
    return "label"


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))
