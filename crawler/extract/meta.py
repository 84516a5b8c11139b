"""What a document says about itself: title, report year, template, agency, publication date.

The year and template come from the document only (title, body text, table
labels), never from a caller's hint.
"""

from __future__ import annotations

import re
from collections import Counter

from crawler import schema
from crawler.extract.values import chinese_number, normalize_width

MIN_YEAR, MAX_YEAR = 2007, 2035

_REPORT_TITLE = re.compile(
    r"(?:政府信息公开|政务公开|信息公开)[^。；;]{0,12}?(?:年度报告|工作报告|年报|情况的?报告|报告)"
)
_NOT_REPORT_TITLE = re.compile(r"(?:通知|通报|公告|通告|公示|意见|办法|方案|要点|决定|函|批复|目录|指南|制度)$")

_YEAR_PATTERNS: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"(\d{4})\s*年\s*度?\s*(?:[^\d。，,；;]{0,20}?)(?:政府信息公开|政务公开)[^。；;]{0,10}?报告"), 5),
    (re.compile(r"关于\s*(\d{4})\s*年度?[^。]{0,20}?报告"), 5),
    (re.compile(r"(\d{4})\s*年\s*度?\s*(?:政府信息公开|政务公开|信息公开)工作"), 3),
    (re.compile(r"(\d{4})\s*年报"), 3),
    (re.compile(r"(?:政府信息公开|政务公开)[^。；;]{0,12}?报告\s*[(（]\s*(\d{4})\s*年?度?\s*[)）]"), 5),
    (re.compile(r"统计(?:期限|时间|区间)[^。]{0,12}?(\d{4})\s*年"), 3),
    (re.compile(r"(\d{4})\s*年\s*1\s*月\s*1\s*日\s*(?:起\s*)?(?:至|到|-|—)\s*(?:\d{4}\s*年\s*)?12\s*月\s*31\s*日"), 3),
)

# Table labels that only one template prints.
_TEMPLATE_MARKS = {
    "2021": ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额",
             "逾期不补正", "逾期未按收费通知"),
    "2019": ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "本年增减",
             "政府集中采购", "采购项目数量", "其他对外管理服务事项"),
}

_DATE_LABELLED = re.compile(
    r"(?:(?:发布日期|发布时间|发文日期|成文日期|生成日期|公开日期|发布)\s*[:：]?|(?<![统计期限截止])(?:日期|时间)\s*[:：])\s*"
    r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_URL_DATE = re.compile(r"/(?:t|art_)?(20\d{2})[-_/]?(\d{2})[-_/]?(\d{2})[_/]")


_CN_YEAR = re.compile(r"[二][〇○零Ｏ][〇○零Ｏ一二三四五六七八九]{2}(?=\s*年)")


def arabic_years(text: str) -> str:
    """'二〇二二年' → '2022年' (titles sometimes spell the year in Chinese numerals)."""
    return _CN_YEAR.sub(lambda m: str(chinese_number(m.group(0))), text)


def _plausible(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


_AGENCY_END = re.compile(
    r"(?:政府|办公室|办公厅|局|委员会|委|办|中心|街道|街道办事处|办事处|镇|乡|区|县|市|处|院|所|站|队|厅|会|署|馆|园)$"
)
_CHROME = re.compile(r"位置|首页|>|»|当前|导航|登录|注册")


def _agency_like(line: str) -> bool:
    return 2 <= len(line) <= 30 and bool(_AGENCY_END.search(line)) and not _REPORT_TITLE.search(line) \
        and not _CHROME.search(line)


# A title naming no year ('某区某某街道办事处政府信息公开工作年度报告'): accepted at the very top only.
_YEARLESS_TITLE = re.compile(r"^(.{2,40}?)(?:政府信息公开|政务公开)工作(?:年度)?报告$")
# '关于印发《某区卫生健康局2022年…》的通知': the agency is inside the quoted title.
_TITLE_PREFIX = re.compile(r"^(?:关于)?(?:印发|公布|发布|公开)?\s*[《〈<]")


# '附件：某局2023年…年度报告.pdf': the attachment's name, not the page's title line.
_FILE_LINE = re.compile(r"^附件\s*\d*\s*[:：]|\.(?:pdf|docx?|xlsx?|wps|ofd|rtf)\s*$", re.I)
_PART_ONE = re.compile(r"^(?:一、|1[.、])\s*(?:总体情况|概述)")


_SUFFIXED = re.compile(r"^(.*?\S)\s*(?:[-_|｜]+|—{1,2}|–)\s*([^-_|｜—–]{2,40})$")


def strip_site_name(title: str | None) -> str | None:
    """A title without the site's name (or column's) a CMS appends to it: '…年度报告-国务院国有资产监督管理委员会',
    '…年度报告_某某区人民政府', '…年度报告 | 政府信息公开年报'. Only a suffix without a number after a title
    that names a report goes (a column's name after a yearless title stays); the suffix is never the
    title's agency."""
    if not title:
        return title
    t = title.strip()
    while (m := _SUFFIXED.match(t)) is not None:
        head, tail = m.group(1).strip(), m.group(2).strip()
        if re.search(r"\d", arabic_years(tail)) or not _REPORT_TITLE.search(head):
            break
        if _REPORT_TITLE.search(tail) and not re.search(r"\d{4}", arabic_years(head)):
            break  # '政府信息公开工作报告_政府信息公开年报': which half is the title is not clear
        t = head
    return t


# A field name written before a title or an agency ('标题：某区…报告'): not part of the name.
FIELD_PREFIX = re.compile(r"^\s*(?:标题|题目|文章标题|名称|发布机构|发文机关|来源|索引号)\s*[:：]\s*")


def find_title(lines: list[str]) -> str | None:
    """The first short line near the top naming a report; an agency line above or below a bare title joins it."""
    head = [FIELD_PREFIX.sub("", normalize_width(s).strip().lstrip("#*•· ")).strip() for s in lines[:40] if s.strip()]

    def title_at(n: int) -> str | None:
        s = head[n]
        if len(s) > 80 or "。" in s or _CHROME.search(s) or not _REPORT_TITLE.search(s) or _FILE_LINE.search(s):
            return None
        if not re.search(r"\d{4}\s*年|关于", arabic_years(s)) and not (n < 3 and _YEARLESS_TITLE.match(s)):
            return None
        if re.match(r"^\d{4}\s*年", arabic_years(s)):
            for near in (n - 1, n + 1):
                if 0 <= near < len(head) and _agency_like(head[near]):
                    return head[near] + s
        return s

    titles = [(n, t) for n in range(len(head)) if (t := title_at(n))]
    if not titles:
        return None
    # A list of other years' reports (相关链接) above the article: its title is the last one before the body.
    body = next((n for n, s in enumerate(head) if "。" in s or _PART_ONE.match(s)), len(head))
    before = [t for n, t in titles if n < body]
    return before[-1] if before else titles[0][1]


def find_year(title: str | None, text: str) -> int | None:
    """The report year: from the title when it names one, else the most supported mention in the text."""
    votes: Counter[int] = Counter()
    for source, weight in ((title or "", 10), (text[:20000], 1)):
        t = arabic_years(normalize_width(source))
        for pattern, w in _YEAR_PATTERNS:
            for m in pattern.finditer(t):
                y = int(m.group(1))
                if _plausible(y):
                    votes[y] += w * weight
    if not votes:
        # Last resort: the year the text talks about most ('2023年，我局…').
        for m in re.finditer(r"(?<!\d)(\d{4})\s*年", normalize_width(text[:20000])):
            y = int(m.group(1))
            if _plausible(y):
                votes[y] += 1
        if not votes or votes.most_common(1)[0][1] < 2:
            return None
    return votes.most_common(1)[0][0]


def template_marks(text: str) -> str | None:
    """The template whose own table labels the text prints, if any."""
    flat = re.sub(r"\s+", "", normalize_width(text)).replace("\\", "/")
    counts = {t: sum(1 for m in marks if m in flat) for t, marks in _TEMPLATE_MARKS.items()}
    if counts["2021"] == counts["2019"] == 0:
        return None
    return "2021" if counts["2021"] >= counts["2019"] else "2019"


_OTHER_REPORT_TITLE = re.compile(r"(?:报告|总结|计划|要点)$")


def looks_like_report(title: str | None, text: str) -> bool:
    """An annual report on open government information (not a notice about one, nor another annual report)."""
    if title:
        t = normalize_width(title).strip()
        if _NOT_REPORT_TITLE.search(t) and not _REPORT_TITLE.search(t[-12:]):
            return False
        if _OTHER_REPORT_TITLE.search(t) and not _REPORT_TITLE.search(t):
            return False  # 法治政府建设年度报告, 工作总结 …: a report, but not this one
    flat = normalize_width((title or "") + "\n" + text[:30000])
    if _REPORT_TITLE.search(flat) or re.search(r"\d{4}\s*年报", flat):
        return True
    # No title (an excerpt, or a page that prints it as an image): the six parts the 条例 prescribes.
    return len(set(_SECTION_HEADING.findall(flat))) >= 4


_SECTION_HEADING = re.compile(
    r"(?m)^\s*[一二三四五六]\s*[、.]\s*(总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况"
    r"|政府信息公开行政复议[、,]?行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项)")


def detect_template(year: int | None, marks: str | None) -> str | None:
    if marks:
        return marks
    return schema.template_for_year(year)


_AGENCY_IN_TEXT = (
    re.compile(r"(?:编制|公布|发布|现将)\s*《?([^\d《》，。,；;]{2,30}?)\s*\d{4}\s*年度?\s*(?:政府信息公开|政务公开)"),
    re.compile(r"请与\s*([^\d，。,；;（）()]{2,30}?)\s*(?:[(（]|联系)"),
    re.compile(r"\d{4}\s*年\s*度?\s*[,，]\s*([^\d，。,；;（）()]{2,24}?)(?:认真|坚持|深入|严格|全面|紧紧|始终|持续|在)"),
)


def find_agency(title: str | None, text: str) -> str | None:
    """The body that reports: the title's words before the year, or a phrase of the text naming it."""
    if title:
        t = _TITLE_PREFIX.sub("", arabic_years(strip_site_name(FIELD_PREFIX.sub("", normalize_width(title).strip())) or ""))
        t = re.sub(r"^关于", "", t)
        m = re.match(r"^(.{2,40}?)\s*\d{4}\s*年", t)
        if m:
            return re.sub(r"关于$", "", m.group(1).strip(" ：:")) or None  # '某区交通运输局关于2022年度…'
        m = re.match(r"^\d{4}\s*年\s*度?\s*(.{2,30}?)(?:政府信息公开|政务公开)", t)
        if m:
            return m.group(1).strip()
        m = _YEARLESS_TITLE.match(t)
        if m and _agency_like(m.group(1)):
            return m.group(1)
    flat = normalize_width(text[:8000])
    for pattern in _AGENCY_IN_TEXT:
        for m in pattern.finditer(flat):
            name = m.group(1).strip()
            if _agency_like(name) and not name.startswith(("我", "本")):
                return name
    return None


def find_published(text: str, url: str | None) -> tuple[str | None, str | None]:
    """(ISO date, 'text' or 'url') of publication, when the page prints or its URL carries one."""
    m = _DATE_LABELLED.search(normalize_width(text[:5000]))
    if m:
        iso = _iso(*m.groups())
        if iso:
            return iso, "text"
    if url:
        m = _URL_DATE.search(url)
        if m:
            iso = _iso(*m.groups())
            if iso:
                return iso, "url"
    return None, None


def _iso(y: str, mo: str, d: str) -> str | None:
    year, month, day = int(y), int(mo), int(d)
    if _plausible(year) and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None
