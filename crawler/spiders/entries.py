"""What a list entry says: whether its title names an annual report, and the date beside it.

Apart from the spiders because crawler/sites/discover reads portal links with the same rule.
"""

from __future__ import annotations

import re

from parsel import Selector

_SUBJECT_RE = re.compile(r"(政府|政务)?信息公开|政务公开")
_REPORT_RE = re.compile(r"年度报告|年报|年度工作报告|工作报告")
#: The words that name an annual report (a title's, a column's: crawler/sites/discover reads links with it too).
ANNUAL_REPORT_RE = re.compile(r"年度报告|年报|年度工作报告")
_DECOY_RE = re.compile(
    r"通知|指南|要点|编制|格式|模板|样本|范本|解读|培训|意见|方案|办法|规定|制度|目录|征求|征集|"
    r"公告|答复|申请表|统计表|企业年报|工商年报|年报公示|财务|预算|决算|通报|考核|填报|法治政府|法治建设"
)
#: A year in a title (a report's title names the year it reports on).
YEAR_RE = re.compile(r"(19|20)\d{2}")
_DATE_RE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")


def is_report_title(title: str | None, *, loose: bool = False) -> bool:
    """True when a list title names a 政府信息公开工作年度报告 (decoys such as 工作要点 or 编制指南的通知 are not)."""
    if not title:
        return False
    t = re.sub(r"\s+", "", title)
    if _DECOY_RE.search(t):
        return False
    if _SUBJECT_RE.search(t):
        if ANNUAL_REPORT_RE.search(t):
            return True
        # 政务公开工作报告 / 信息公开工作报告 with a year is the same document under an older name.
        if _REPORT_RE.search(t) and YEAR_RE.search(t):
            return True
    # Loose: 年度报告/年报 alone, with a year (a bare "政府信息公开年报" is a column link, not a report).
    return loose and bool(ANNUAL_REPORT_RE.search(t)) and bool(YEAR_RE.search(t))


def is_decoy(title: str | None) -> bool:
    """True when a title names something that is not a report (通知, 指南, 工作要点, 企业年报…)."""
    return bool(title and _DECOY_RE.search(re.sub(r"\s+", "", title)))


def parse_date(text: str | None) -> str | None:
    """The first date in ``text`` as ISO ``YYYY-MM-DD``, or None."""
    if not text:
        return None
    m = _DATE_RE.search(text)
    if not m:
        return None
    year, month, day = (int(g) for g in m.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def clean(text: str | None) -> str:
    """Collapse whitespace (including &nbsp;) to single spaces."""
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


def anchor_title(a: Selector) -> str:
    """A list link's title: its ``title`` attribute, else its text."""
    title = clean(a.attrib.get("title"))
    return title or clean(" ".join(a.xpath(".//text()").getall()))


def anchor_date(a: Selector) -> str | None:
    """The date printed beside a list link (same ``li``/``tr``/``dd``, else the parent)."""
    for xp in ("ancestor::li[1]", "ancestor::tr[1]", "ancestor::dd[1]", "ancestor::dl[1]", ".."):
        row = a.xpath(xp)
        if row:
            date = parse_date(clean(" ".join(row[0].xpath(".//text()").getall())))
            if date:
                return date
    return None
