"""What a link's text says: a 信息公开 entry, a 年报 column, a distractor, a body; and the body level.

The rules read meaning, not one site's words: a 年报 column is named by 年报/
年度报告 with nothing left over but 信息公开 words and body words (区政府,
部门, 乡镇街道, 开发区…); anything with another subject (统计公报, 预决算,
政府工作报告, 法治政府建设年度报告…) is a distractor and never taken.
"""

from __future__ import annotations

import re

from crawler.spiders.entries import ANNUAL_REPORT_RE, is_report_title

# Words that name a subject other than 政府信息公开: a link carrying one is never a 年报 column.
DISTRACTOR_RE = re.compile(
    r"公报|统计年鉴|统计信息|统计数据|统计年报|统计资料|预算|决算|预决算|政府工作报告|国民经济|社会发展统计|法治|法制|"
    r"企业|工商年报|年报公示|社会责任|审计报告|审计工作报告|财务|债务|人大|政协|慈善|年鉴"
)
# Decoy words a column name never carries (a list of 通知 or a 指南 is not a 年报 column).
_NOT_COLUMN_RE = re.compile(r"工作要点|要点|指南|通知|目录|编制|解读|考核|培训|填报|申请|制度|规定|办法")
_XXGK_RE = re.compile(r"信息公开|政务公开|公开目录|主动公开|法定主动公开|政府公开|^公开$|^政务$")
_FILLER_RE = re.compile(
    r"政府信息公开|政务信息公开|信息公开|政务公开|工作|年度报告|年度工作报告|年报|本级|区直|县直|市直|旗直|"
    r"直属|部门|单位|乡镇|街道|街镇|镇街|镇|乡|办事处|开发区|产业集聚区|集聚区|产业|园区|高新区|经济技术|管委会|"
    r"功能区|人民政府|政府|[省市区县旗]|及|和|与|[、，,/（）()【】\[\]·\s]"
)
_ZONE_RE = re.compile(r"开发区|集聚区|园区|高新区|新区|管委会|管理委员会|功能区|示范区")
_DEPT_NAME_RE = re.compile(r"(局|委|委员会|办|办公室|中心|院|所|队|会|馆|站|处)$")
_TOWN_RE = re.compile(r"乡镇|街道|街镇|镇街|办事处|(?<!城)镇|(?<!振兴)(?<!城)乡(?!村振兴)")
_DEPT_RE = re.compile(r"部门|单位|直属|区直|县直|市直")
_BODY_RE = re.compile(r"(局|委|委员会|办|办公室|中心|院|所|队|馆|站|政府|街道|镇|乡|办事处|管委会|开发区|集聚区|"
                      r"园区|高新区|部门|单位|区直|县直|市直|乡镇|本级)$")


def squeeze(text: str) -> str:
    """Text without whitespace (list and menu texts are often padded or split)."""
    return re.sub(r"\s+", "", (text or "").replace("\xa0", ""))


def is_distractor(text: str) -> bool:
    """A link about something else (统计公报, 预决算, 政府工作报告, other 年度报告…)."""
    return bool(DISTRACTOR_RE.search(squeeze(text)))


def is_report_link(text: str) -> bool:
    """A link to one report (a title with a year), not to a column."""
    return is_report_title(text, loose=True)


def is_annual_column(text: str) -> bool:
    """A link naming a 年报 column (政府信息公开年报, 区政府年报, 部门年度报告…), not a report, not a distractor."""
    t = squeeze(text)
    if not t or not ANNUAL_REPORT_RE.search(t) or is_distractor(t) or _NOT_COLUMN_RE.search(t) \
            or re.search(r"(19|20)\d{2}", t):
        return False
    if re.search(r"信息公开|政务公开", t):
        return True
    return not _FILLER_RE.sub("", t)


def is_xxgk_entry(text: str) -> bool:
    """A link into the 信息公开 platform or one of its trees (政府信息公开, 法定主动公开内容…)."""
    t = squeeze(text)
    return bool(t) and len(t) <= 16 and bool(_XXGK_RE.search(t)) and not is_distractor(t) \
        and not ANNUAL_REPORT_RE.search(t)


def names_a_body(text: str) -> bool:
    """A link naming a publishing body or a kind of body (区政府, 部门, 乡镇街道, 发展和改革委员会…)."""
    t = squeeze(text)
    return 2 <= len(t) <= 30 and bool(_BODY_RE.search(t)) and not is_distractor(t) and not is_report_link(t) \
        and not _NOT_COLUMN_RE.search(t)


def body_level(text: str, default: str = "government") -> str:
    """The body level a column's name says: zone, department, town, government (``default`` when it says none)."""
    t = ANNUAL_REPORT_RE.sub("", squeeze(text))
    t = re.sub(r"政府信息公开|政务信息公开|信息公开|政务公开|工作", "", t)
    if _ZONE_RE.search(t):
        return "zone"
    if _DEPT_NAME_RE.search(t) and not re.search(r"(街道|乡镇)办事处$", t):
        return "department"
    if _TOWN_RE.search(t):
        return "town"
    if _DEPT_RE.search(t):
        return "department"
    if re.search(r"政府|本级", t):
        return "government"
    return default
