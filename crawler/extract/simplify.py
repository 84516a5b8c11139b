"""Traditional characters → simplified, for the few sites that publish (or convert) reports in 繁體.

The template's labels are matched in simplified characters; a page in
traditional ones (某區司法局 … 收到和處理政府資訊公開申請情況) is converted
whole before it is read. Detection converts a sample of the text's Chinese
characters and looks at how many change: simplified text barely changes.
"""

from __future__ import annotations

import re
from functools import lru_cache

_HAN = re.compile(r"[\u4e00-\u9fff]")
SAMPLE = 3000  # Chinese characters looked at to decide
MIN_CHANGED = 0.03  # share of them a traditional text changes (a simplified one: about none)


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC

    return OpenCC("t2s")


# Traditional forms a report cannot do without (開 資 訊 處 請 報 …) and simplified text never uses:
# a page with none of them is not converted, and not sampled either (that costs milliseconds).
_TRADITIONAL_ONLY = re.compile("[開資訊處請報與關機區縣務條數於為會發議訴維結實項規範據時應過權們這個來對]")


def is_traditional(text: str) -> bool:
    if len(_TRADITIONAL_ONLY.findall(text[:50_000])) < 5:
        return False
    sample = "".join(_HAN.findall(text[:200_000])[:SAMPLE])
    if len(sample) < 50:
        return False
    converted = _converter().convert(sample)
    changed = sum(1 for a, b in zip(sample, converted, strict=False) if a != b)
    return changed >= MIN_CHANGED * len(sample)


def to_simplified(text: str) -> str:
    """The text in simplified characters when it is written in traditional ones; otherwise as it is."""
    return _converter().convert(text) if is_traditional(text) else text
