"""Column headers of tables 二 and 四, read so that values follow the header's order, not the template's.

Most reports print the template's column order, but some editors move a
column (现行有效件数 first, 总计 before 结果维持). A header is trusted only
when every one of its words names a column whole: a PDF text layer that cut
'结果维持' into '结果' and '维持' gives no order, and the template's is kept.
"""

from __future__ import annotations

import re

from crawler import schema
from crawler.extract.values import normalize_width

# Words that name a column of table 二 (both templates); the first that a header word contains wins.
_PROACTIVE_WORDS = (
    ("制发", "issued"), ("废止", "repealed"), ("现行有效", "in_force"), ("新制作", "made"),
    ("新公开", "published"), ("公开总数", "total_published"), ("上一年", "previous"), ("上年项目", "previous"),
    ("增/减", "change"), ("增减", "change"), ("处理决定", "decisions"), ("收费金额", "amount_wan"),
    ("采购项目", "projects"), ("采购总金额", "amount"), ("采购金额", "amount"),
)
# Whole header words of table 四's outcome columns.
_APPEAL_WORDS = {"结果维持": "upheld", "维持": "upheld", "结果纠正": "corrected", "纠正": "corrected",
                 "其他结果": "other", "尚未审结": "pending", "总计": "total", "合计": "total", "小计": "total"}
_SPACE = re.compile(r"\s+")


def _words(text: str) -> list[str]:
    return [w for w in _SPACE.split(normalize_width(text).strip()) if w]


def proactive_columns(text: str) -> list[str] | None:
    """The table 二 columns a header label names ('本年制发件数', or a PDF line '信息内容 本年制发件数 …')."""
    whole = _SPACE.sub("", normalize_width(text))
    named = {c for w, c in _PROACTIVE_WORDS if w in whole}
    if len(named) == 1 and len(whole) <= 16:
        return list(named)  # one header cell, its words split over lines or padded
    out = []
    for word in _words(text):
        if word in ("信息内容", "项目", "内容"):
            continue
        if len(word) > 16:
            return None
        col = next((c for w, c in _PROACTIVE_WORDS if w in word), None)
        if col is None:
            return None
        out.append(col)
    return out or None


def ordered(columns: tuple[str, ...], header: list[str] | None) -> tuple[str, ...]:
    """The row's columns in the header's order when the header names exactly them, else as in the template."""
    if header and len(header) == len(columns) and set(header) == set(columns):
        return tuple(header)
    return columns


def appeal_words(texts: list[str]) -> list[str]:
    """Outcome columns named by header labels, in reading order; an unknown word breaks the sequence."""
    out: list[str] = []
    for text in texts:
        whole = _SPACE.sub("", normalize_width(text))
        if whole in _APPEAL_WORDS:
            out.append(_APPEAL_WORDS[whole])  # one header cell, its words split over lines or padded
            continue
        for word in _words(text):
            col = _APPEAL_WORDS.get(word)
            if col is not None:
                out.append(col)
            elif word in ("结果", "总", "计", "其他", "尚未", "审结"):
                out.clear()  # a label cut into pieces: no order can be trusted
    return out


def appeal_order(texts: list[str], groups: int) -> list[tuple[str, ...]] | None:
    """Per group, the outcome columns in printed order, from the last header words before the values."""
    words = appeal_words(texts)
    if len(words) < 5:
        return None
    if len(words) >= 5 * groups:
        words = words[-5 * groups:]
        chunks = [tuple(words[k:k + 5]) for k in range(0, len(words), 5)]
    else:
        chunks = [tuple(words[-5:])] * groups  # one header row shared by every group
    if any(set(c) != set(schema.APPEAL_COLUMNS) for c in chunks):
        return None
    return chunks


# Table 三's applicant columns: whole header words, and the group word that stands for five of them.
_APPLICANT_WORDS = {"自然人": "natural_person", "商业企业": "business", "科研机构": "research",
                    "社会公益组织": "nonprofit", "法律服务机构": "legal_services", "其他": "other_org",
                    "总计": "total", "合计": "total", "小计": "subtotal"}  # 小计: the organisations' sum
_ORGANISATIONS = "法人或其他组织"


def applicant_order(texts: list[str]) -> tuple[str, ...] | None:
    """Table 三's columns in printed order, from its header words read row by row.

    A flattened two-row header ('自然人 | 法人或其他组织 | 总计' above '商业企业 | … | 其他')
    prints the five organisation columns where the group word stands. None unless the words
    name all seven columns exactly once (and at most one 小计, kept as "subtotal").
    """
    words: list[str] = []
    for text in texts:
        whole = _SPACE.sub("", normalize_width(text))
        pieces = [whole] if whole in _APPLICANT_WORDS or whole == _ORGANISATIONS else _words(text)
        words += [w for w in pieces if w in _APPLICANT_WORDS or w == _ORGANISATIONS]
    if _ORGANISATIONS in words:
        at = words.index(_ORGANISATIONS)
        subs = [w for w in words[at + 1:] if _APPLICANT_WORDS[w] not in ("natural_person", "total")]
        rest = [w for w in words if w != _ORGANISATIONS and w not in subs]
        head = [w for w in rest if words.index(w) < at]
        words = head + subs + [w for w in rest if w not in head]
    cols = tuple(_APPLICANT_WORDS[w] for w in words)
    named = [c for c in cols if c != "subtotal"]
    if len(named) != len(schema.REQUEST_COLUMNS) or set(named) != set(schema.REQUEST_COLUMNS) \
            or cols.count("subtotal") > 1:
        return None
    return cols


def without_subtotal(header: list[str] | None, run: list) -> tuple[list[str] | None, list]:
    """A 小计 column (some tables add the organisations' sum): its values are left out of the row."""
    if not header or "subtotal" not in header:
        return header, run
    if len(run) == len(header):
        run = [v for v, c in zip(run, header, strict=True) if c != "subtotal"]
    return [c for c in header if c != "subtotal"], run
