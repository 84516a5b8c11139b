"""Row labels matched by meaning: normalised text, known variants, misspellings, truncation.

A label is compared after full-width → half-width folding, with whitespace,
punctuation and numbering (一、 （一） 1.) removed, so "（二）部分公开（区分处理的…）",
"2.其他法律行政止公开" or "规 章" all reach the row they name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from crawler import schema
from crawler.extract.values import normalize_width

_PUNCT = re.compile(r"[\s\u00a0\u3000()（）\[\]【】{}<>〈〉《》「」『』、，,。.．:：;；\"'“”‘’!！?？·•…\-—–_~/\\|+*#=%]+")
_NUMBERING = re.compile(
    r"^(?:第[一二三四五六七八九十]+[条项部分]|[一二三四五六七八九十]{1,3}(?=[、.．,，\s])|\d{1,2}(?=[、.．)）\s])|[(（][一二三四五六七八九十\d]{1,3}[)）])[、.．,，\s]*"
)


def squash(text: str) -> str:
    """Width-folded text without whitespace or punctuation."""
    return _PUNCT.sub("", normalize_width(text))


_LEADING_PUNCT = re.compile(r"^[\s、，,。.．:：;；]+")


_SPACED_NUMBER = re.compile(r"\(\s*([一二三四五六七八九十\d]{1,3})\s*\)")


def strip_numbering(text: str) -> str:
    # '（七 ）总 计': a cell's words split over lines leave spaces inside its numbering
    t = _SPACED_NUMBER.sub(r"(\1)", _LEADING_PUNCT.sub("", normalize_width(text)))
    for _ in range(4):
        m = _NUMBERING.match(t)
        if not m or m.end() == 0:
            break
        t = t[m.end():].lstrip()
    return t


@lru_cache(maxsize=50000)
def norm_label(text: str) -> str:
    """What a label is compared as: no numbering, punctuation, whitespace or width differences."""
    return squash(strip_numbering(text))


# Extra spellings seen in real reports, beside the schema's own labels.
ROW_ALIASES: dict[str, tuple[str, ...]] = {
    "regulations": ("规章",),
    "normative_documents": ("行政规范性文件", "规范性文件"),
    "licensing": ("行政许可",),
    "other_services": ("其他对外管理服务事项",),
    "penalties": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("行政事业性收费",),
    "procurement": ("政府集中采购",),
    "new_received": ("本年新收政府信息公开申请数量", "本年新收"),
    "carried_over": ("上年结转政府信息公开申请数量", "上年结转", "上年度结转"),
    "granted": ("予以公开",),
    "partly_granted": ("部分公开",),
    "denied_state_secret": ("属于国家秘密",),
    "denied_law_forbids": ("其他法律行政法规禁止公开",),
    "denied_security_stability": ("危及三安全一稳定",),
    "denied_third_party": ("保护第三方合法权益",),
    "denied_internal_affairs": ("属于三类内部事务信息",),
    "denied_process_info": ("属于四类过程性信息",),
    "denied_enforcement_file": ("属于行政执法案卷",),
    "denied_query_matter": ("属于行政查询事项",),
    "unavailable_not_held": ("本机关不掌握相关政府信息",),
    "unavailable_needs_creation": ("没有现成信息需要另行制作",),
    "unavailable_unclear": ("补正后申请内容仍不明确",),
    "not_processed_petition": ("信访举报投诉类申请",),
    "not_processed_duplicate": ("重复申请",),
    "not_processed_publication": ("要求提供公开出版物",),
    "not_processed_excessive": ("无正当理由大量反复申请",),
    "not_processed_confirmation": ("要求行政机关确认或重新出具已获取信息",),
    "other_no_correction": ("申请人无正当理由逾期不补正行政机关不再处理其政府信息公开申请",),
    "other_fee_unpaid": ("申请人逾期未按收费通知要求缴纳费用行政机关不再处理其政府信息公开申请",),
    "other_misc": ("其他",),
    "other": ("其他处理",),
    "results_total": ("总计", "合计",),
    "carried_forward": ("结转下年度继续办理",),
}

# Labels so short or generic that they only name a row in the right place.
_OTHER_ROWS = ("other_no_correction", "other_fee_unpaid")
_RESULT_ROWS = frozenset(schema.RESULT_ROWS_2021) | frozenset(schema.RESULT_ROWS_2019)


@dataclass(frozen=True)
class RowMatch:
    part: str
    row: str
    score: float
    how: str = "exact"  # exact, prefix, contains, truncated, fuzzy

    @property
    def leads(self) -> bool:
        """The label starts with the row's name (a long label that defines its row still names it)."""
        return self.how in ("exact", "prefix")


@lru_cache(maxsize=4)
def _lexicon(template: str) -> tuple[tuple[str, str, str], ...]:
    """(part, row, alias) for every row of the template's tables 二 and 三."""
    out = []
    for part, rows in schema.template_rows(template).items():
        if part == "appeals":
            continue
        for row in rows:
            aliases = ROW_ALIASES.get(row.key, ()) + (norm_label(row.label),)
            for alias in dict.fromkeys(squash(a) for a in aliases):
                out.append((part, row.key, alias))
    if template == "2021":
        out.append(("requests", "other", "其他处理"))
    return tuple(out)


def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence (labels are short)."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def _score(text: str, alias: str, counts: Counter[str], alias_counts: Counter[str]) -> tuple[float, str]:
    """How well a normalised label names an alias; of two names in one label, the longer wins."""
    if not text:
        return 0.0, ""
    coverage = len(alias) / max(len(text), 1)
    if text == alias:
        return 1.0, "exact"
    if text.startswith(alias) and (len(alias) >= 3 or len(text) <= len(alias) + 2):
        return 0.9 + 0.09 * coverage, "prefix"
    if alias in text and len(alias) >= 4 and len(text) <= len(alias) + 10:
        return 0.85 + 0.09 * coverage, "contains"
    if len(text) >= 4 and alias.startswith(text) and len(text) >= min(0.5 * len(alias), 6):
        return 0.8 + 0.05 * coverage, "truncated"
    if len(alias) >= 5 and len(text) <= 2 * len(alias) + 4:
        bound = sum(min(n, counts[c]) for c, n in alias_counts.items())  # LCS cannot exceed it
        if bound < 5 or bound / max(len(alias), len(text)) < 0.66:
            return 0.0, ""
        common = _lcs(text, alias)
        ratio = common / max(len(alias), len(text))
        if ratio >= 0.66 and common >= 5:
            return 0.75 * ratio, "fuzzy"
    return 0.0, ""


# One character of a vertical group label (三、本年度办理结果 printed a character a line in a PDF)
# in front of a numbered row label: '理 （七）总计'.
_VERTICAL_CHAR = re.compile(r"^\s*[\u4e00-\u9fff]\s+(?=[(（]|\d{1,2}\s*[.、．]|[一二三四五六七]\s*、)")
# A group label printed in front of its first row's label (一 row of a PDF line, or one merged cell).
_GROUP_PREFIX = re.compile(r"^(?:三[、.]?本年度办理结果\s*)?[(]?[三四五六][)、.]?\s*(?:不予公开|无法提供|不予处理|其他处理)\s*")


def match_row(text: str, template: str, last_row: str | None = None) -> RowMatch | None:
    """The template row a label cell names, or None. `last_row` is the row matched before it."""
    text = _VERTICAL_CHAR.sub("", normalize_width(text))
    t = norm_label(text)
    if not t or len(t) > 200:
        return None
    head = normalize_width(text).split(":", 1)
    if len(head) == 2 and norm_label(head[0]):
        t = norm_label(head[0])  # '规章:地方行政规章指…' names its row before the colon
    raw = normalize_width(text).strip()
    group = _GROUP_PREFIX.match(raw)
    rest = raw[group.end():] if group else ""
    if len(rest) >= 4:
        # '（六）其他处理 1.申请人无正当理由…': the group's name, then the row's (cut at a line end)
        inner = match_row(rest, template, last_row)
        if inner is not None:
            return inner
    if rest:
        return None  # a group's name and the start of a row's cut too short to name it
    allow_other = last_row in _OTHER_ROWS
    allow_total = "".join(raw.split()).startswith(("(七)", "七")) or last_row in _RESULT_ROWS
    return _best_match(t, template, allow_other, allow_total)


@lru_cache(maxsize=20000)
def _best_match(t: str, template: str, allow_other: bool, allow_total: bool) -> RowMatch | None:
    """The best-scoring row for a normalised label (cached: reports repeat the same labels)."""
    counts = Counter(t)
    best: RowMatch | None = None
    tied = False  # a fuzzy label as close to two rows ('政府信息公开申请数量') names neither
    for part, row, alias, alias_counts in _lexicon_counts(template):
        if alias == "其他" and (t != "其他" or not allow_other):
            continue
        if alias in ("总计", "合计") and (t != alias or not allow_total):
            continue
        s, how = _score(t, alias, counts, alias_counts)
        if s and (best is None or s > best.score):
            best, tied = RowMatch(part, row, s, how), False
        elif s and best is not None and s == best.score and row != best.row:
            tied = True
    if best is not None and tied and best.how == "fuzzy":
        return None
    return best


@lru_cache(maxsize=4)
def _lexicon_counts(template: str) -> tuple[tuple[str, str, str, Counter[str]], ...]:
    return tuple((part, row, alias, Counter(alias)) for part, row, alias in _lexicon(template))


def is_sentence(text: str) -> bool:
    """Running text rather than a table label (long, or punctuated like a sentence)."""
    t = normalize_width(text)
    return len(t) > 60 or ("。" in t and len(t) > 25)
