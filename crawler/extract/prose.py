"""Layer 4: counts stated in sentences ('本年新收政府信息公开申请11件', '未收到政府信息公开申请').

Used only for rows the tables did not give. Precision first: each pattern
names one cell, and the follow-up counts (办结, 结转, 部分公开 …) are read only
in the sentences that state the number of requests received.
"""

from __future__ import annotations

import re

from crawler.extract.values import CN_DIGITS, CN_UNITS, chinese_number, normalize_width

_UNIT = r"\s*(?:件|起|份|条|个)"
_N = r"(\d{1,6})"
# A count with its unit, in Arabic or Chinese numerals ('12件', '十二件'); Chinese ones only before 件,
# and not '每一件' / '第一件' / '一件事' (办成一件事 is a slogan, not a count).
COUNT = (r"(\d{1,6}\s*(?:件|起|份|条|个)|(?<![每第逐])[" + "".join(CN_DIGITS) + "".join(CN_UNITS)
         + r"]{1,8}件(?!事))")


def count_of(text: str) -> int:
    """The number of a `COUNT` match ('12件' → 12, '三件' → 3)."""
    number = re.sub(r"\s*[件起份条个]$", "", text)
    return int(number) if number.isdigit() else chinese_number(number) or 0

_RECEIVED = re.compile(
    r"(?:新收|新增|收到|受理|接收到|接收|接到|办理)(?!率)([^。；;，,\d]{0,18}?)" + COUNT
    + r"([^。；;，,\d]{0,10})"
)
_NONE_RECEIVED = re.compile(
    r"(?:未|没有|无)(?:收到|受理|接到|接收到|接收|新收)[^。；;，,\d]{0,14}?(?:政府信息公开|依申请公开|公开政府信息|信息公开)[^。；;，,\d]{0,8}?申请"
    r"(?![^，,。；;]{0,8}(?:复议|诉讼|投诉|举报))"
    r"|(?:未|没有|无)(?:收到|受理|接到|接收到)[^。；;，,\d]{0,10}?依申请公开"
    r"|(?:^|[，,：:])[^，,。；;]{0,14}?(?:无|未有)(?:任何)?(?:政府信息公开|依申请公开)(?:的)?申请(?![^，,。；;]{0,8}(?:复议|诉讼|投诉|举报))"
)
# '政府信息公开申请数量为3' with no verb before it (checked not to be the carried-over count).
_COUNT_STATED = re.compile(
    r"(?:政府信息公开|依申请公开)申请(?:数量|数|总数|总量)?(?:为|共|是|达)?\s*(\d{1,6})\s*(?:件|起|份|个)?(?![\d年月日%.])"
    r"(?![ \t]+\d)"  # '…申请数量 25 24 1' is a table row, not a sentence
)
_NATURAL_ALL = re.compile(r"(?:全部|均|都|皆)(?:为|是|系|由|属于?)自然人")
# '共处理申请12件，其中新收10件，上年结转2件': the received count is the one named 新收.
_NEW_WITHIN = re.compile(r"其中[^。；;，,\d]{0,6}?(?:新收|新增|本年(?:度)?(?:新)?收到)[^。；;，,\d]{0,12}?" + COUNT)
_NATURAL_COUNT = re.compile(r"(?:其中)?自然人(?:申请|提出(?:的)?申请)?\s*" + COUNT)
_FOLLOW_UPS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("requests.carried_over.total", re.compile(r"(?:上年度?结转|结转上一?年度?|上一?年度?结转)[^。；;，,\d]{0,14}?" + COUNT)),
    ("requests.carried_forward.total", re.compile(
        r"(?:结转(?:至|到)?下一?年度?|下一?年度?继续办理|结转下年度?)[^。；;，,\d]{0,8}?" + COUNT)),
    ("requests.partly_granted.total", re.compile(r"部分公开" + COUNT)),
    ("requests.granted.total", re.compile(r"(?<![部分不])(?:予以公开|同意公开|公开)" + COUNT)),
    ("requests.denied_enforcement_file.total", re.compile(r"属于行政执法案卷[^。；;，,\d]{0,4}?" + COUNT)),
    ("requests.results_total.total", re.compile(r"(?<!年度)(?<!继续)(?<!年)(?:办结|答复|办理完毕|已办理|办理)" + COUNT)),
)
_NORMATIVE_ISSUED = re.compile(
    r"(?:制发|印发|出台|制定|发布)(?:行政)?规范性文件(?:共)?" + _N + r"\s*(?:件|份|个)"
    r"(?:[，,、]\s*废止" + _N + r"\s*(?:件|份|个))?"
)
_NORMATIVE_NONE = re.compile(r"(?:未|没有)(?:制发|印制|印发|出台|制定)(?:任何)?(?:行政)?规范性文件")
_REVIEW = re.compile(r"(?:引起|引发|提起|申请)?行政复议" + COUNT)


_VALUE_LINE = re.compile(r"^[ \t]*[\d.,，件/\-—|]+(?:[ \t]+[\d.,，件/\-—|]+)*[ \t]*$", re.M)


def _sentence_lists(text: str) -> tuple[list[str], list[str]]:
    """Sentences of each line, and sentences of the text with its line breaks removed (a PDF wraps them).

    A line of numbers alone is a table's cells, not the end of a wrapped sentence: it ends one.
    """
    by_line = [s for s in re.split(r"[。\n！？!?]", text) if s.strip()]
    unwrapped = _VALUE_LINE.sub("。", text).replace("\n", "")
    joined = [s for s in re.split(r"[。！？!?]", unwrapped) if s.strip()]
    return by_line, joined


def _names_requests(m: re.Match[str]) -> bool:
    """'收到政府信息公开申请12件' or '收到12件政府信息公开申请', not '受理行政审批事项2000件'."""
    before, after = m.group(1), m.group(3)
    if re.search(r"政务服务|办件|咨询|投诉|信访|建议|提案|热线", before):
        return False
    return bool(re.search(r"申请|信息公开", before)
                or re.match(r"(?:的)?(?:政府信息公开|依申请公开|信息公开)?申请", after))


Found = dict[str, tuple[int, str]]  # key → (count, the words that state it)


def _received(sentences: list[str], n: int, m: re.Match[str], count: int, end: int, found: Found) -> None:
    """The count of requests received, then what the rest of its sentence (and the next) says of them.

    ``end``: where the count's words end (the follow-ups, '（其中自然人3件）', start there).
    """
    sentence = sentences[n]
    window = sentence[end:] + "。" + (sentences[n + 1] if n + 1 < len(sentences) else "")
    new = _NEW_WITHIN.search(window)
    if new and count_of(new.group(1)) <= count:
        count = count_of(new.group(1))  # the first count included the carried-over requests
        found["requests.new_received.total"] = (count, m.group(0) + "，" + new.group(0))
    else:
        found["requests.new_received.total"] = (count, m.group(0))
    nm = _NATURAL_ALL.search(window)
    cm = _NATURAL_COUNT.search(window)
    if nm:
        found["requests.new_received.natural_person"] = (count, m.group(0) + "，" + nm.group(0))
    elif cm and count_of(cm.group(1)) <= count:
        found["requests.new_received.natural_person"] = (count_of(cm.group(1)), cm.group(0))
    for key, pattern in _FOLLOW_UPS:
        fm = pattern.search(window)
        if fm and key not in found:
            found[key] = (count_of(fm.group(1)), fm.group(0))


def _read_requests(sentences: list[str], found: Found) -> None:
    for n, sentence in enumerate(sentences):
        if "requests.new_received.total" in found:
            return
        m = _RECEIVED.search(sentence)
        if m and _names_requests(m):
            _received(sentences, n, m, count_of(m.group(2)), m.start(3), found)
        else:
            zm = _NONE_RECEIVED.search(sentence)
            cm = _COUNT_STATED.search(sentence)
            if zm:
                found["requests.new_received.total"] = (0, zm.group(0))
            elif cm and not re.search(r"结转|上年|下年|办结|答复|复议|诉讼", sentence[max(0, cm.start() - 8):cm.start()]):
                _received(sentences, n, cm, int(cm.group(1)), cm.end(), found)


def _read_others(sentences: list[str], found: Found) -> None:
    for sentence in sentences:
        nm = _NORMATIVE_ISSUED.search(sentence)
        zm = _NORMATIVE_NONE.search(sentence)
        if nm and "proactive.normative_documents.issued" not in found:
            found["proactive.normative_documents.issued"] = (int(nm.group(1)), nm.group(0))
            if nm.group(2) is not None:
                found["proactive.normative_documents.repealed"] = (int(nm.group(2)), nm.group(0))
        elif zm and "proactive.normative_documents.issued" not in found:
            found["proactive.normative_documents.issued"] = (0, zm.group(0))
        rm = _REVIEW.search(sentence)
        if rm and "appeals.review.total" not in found and "申请" in sentence:
            found["appeals.review.total"] = (count_of(rm.group(1)), rm.group(0))


def read_prose(text: str) -> Found:
    """Cells stated in running text, each at most once (the first statement wins), with the words stating it."""
    flat = re.sub(r"(?<=\d)[ \t]+(?=[件起份条个])|(?<=[^\d\s])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[^\d\s])", "",
                  normalize_width(text))
    found: Found = {}
    for sentences in _sentence_lists(flat):
        _read_requests(sentences, found)
        _read_others(sentences, found)
    return found
