"""Narrative against tables: counts stated in the text compared with the table's cell.

The sentence patterns are the prose reader's (crawler/extract/prose.py),
reused, not copied; a few are tightened here because a contradiction is a
claim about a published report. Precision first:

* a sentence naming two years, reading like a table row (``|``), or saying
  the count includes last year's (含上年结转) is not read;
* 收到/受理/办理 N 件 may mean new requests or new plus carried over: it is
  a finding only when N equals neither;
* follow-up counts (上年结转, 结转下年度, 部分公开, 予以公开) are read only in
  the sentence that states the requests received and the next one;
* 予以公开/同意公开 only (a bare 公开 N 条 is often 主动公开);
* no fees: the narrative's 信息处理费 has no cell in the tables, and
  行政事业性收费 amounts are almost never restated in the text.

A statement is compared only with a cell the tables gave (not one the
extractor itself read from prose).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.derive.crossreport.data import Archive, ReportRow
from crawler.derive.crossreport.finding import CrossFinding, fmt
from crawler.extract import prose
from crawler.extract.values import normalize_width

_FOLLOW = dict(prose._FOLLOW_UPS)
_GRANTED = re.compile(r"(?:予以公开|同意公开)" + prose.COUNT)
_LAWSUIT = re.compile(r"(?:提起|引起|引发|发生)?行政诉讼" + prose.COUNT)
_NO_APPEALS = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|产生|被提起|提起)[^。；;，,\d]{0,24}?行政复议")
_NO_LAWSUITS = re.compile(r"(?:未|没有|无)(?:发生|收到|出现|产生|被提起|提起)[^。；;\d]{0,30}?行政诉讼")
_YEAR = re.compile(r"(?:19|20)\d{2}年")
_INCLUDES_CARRIED = re.compile(r"(?:含|包括|其中)(?:上一?年度?)?结转")

# Pseudo-keys summing several cells.
LAWSUITS = "appeals.lawsuit.total"
LABELS = {
    "requests.new_received.total": "本年新收申请",
    "requests.carried_over.total": "上年结转申请",
    "requests.carried_forward.total": "结转下年度",
    "requests.partly_granted.total": "部分公开",
    "requests.granted.total": "予以公开",
    "proactive.normative_documents.issued": "制发规范性文件",
    "proactive.normative_documents.made": "新制作规范性文件",
    "appeals.review.total": "行政复议",
    LAWSUITS: "行政诉讼",
}


@dataclass
class Statement:
    """A count read from one sentence; ``loose`` = 收到/受理/办理 (may include carried-over requests)."""

    key: str
    value: int
    sentence: str
    loose: bool = False


def _flat(text: str) -> str:
    """The prose reader's flattening: digits joined to their units and labels."""
    return re.sub(r"(?<=\d)\s+(?=[件起份条个])|(?<=[^\d\s])\s+(?=\d)|(?<=\d)\s+(?=[^\d\s])", "",
                  normalize_width(text))


_NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def _tableish(line: str) -> bool:
    """A line of a flattened table (cells joined by |, or a row of numbers)."""
    return "|" in line or len(_NUMBERS.findall(line)) >= 3 and not re.search(r"[，。；]", line)


def _heading(line: str) -> bool:
    """A short line without sentence punctuation (一、总体情况): it ends what came before."""
    return len(line.strip()) < 16 and not re.search(r"[，,。；;：:]", line)


def _sentences(text: str) -> list[str]:
    """Sentences of the prose only: a PDF text layer wraps sentences over lines; tables are left out,
    a heading stands alone."""
    chunks, buf = [], []
    for line in text.splitlines():
        if not line.strip() or _tableish(line) or _heading(line):
            chunks.append("".join(buf))
            buf = [line.strip()] if _heading(line) and not _tableish(line) else []
            chunks.append("".join(buf))
            buf = []
        else:
            buf.append(line.strip())
    chunks.append("".join(buf))
    return [s for chunk in chunks for s in re.split(r"[。！？!?]", _flat(chunk)) if s.strip()]


def _readable(sentence: str) -> bool:
    return "|" not in sentence and len(set(_YEAR.findall(sentence))) <= 1


def read_statements(text: str, template: str | None) -> list[Statement]:
    """Every unambiguous count in the text, each with its sentence; the first statement of a key wins."""
    sentences = _sentences(text)
    found: dict[str, Statement] = {}

    def keep(key: str, value: int, sentence: str, loose: bool = False) -> None:
        if key not in found:
            found[key] = Statement(key, value, sentence.strip(), loose)

    issued = "proactive.normative_documents.issued" if template != "2019" else "proactive.normative_documents.made"
    for index, sentence in enumerate(sentences):
        if not _readable(sentence):
            continue
        m = prose._RECEIVED.search(sentence)
        if (m and re.search(r"申请|信息公开", m.group(1))
                and not re.search(r"政务服务|办件|咨询|投诉|信访|建议|提案|热线|结转|上年|复议|诉讼", m.group(1))
                and not _INCLUDES_CARRIED.search(sentence)):
            verb = sentence[m.start():m.start() + 2]
            keep("requests.new_received.total", prose.count_of(m.group(2)), sentence, loose=verb != "新收")
            following = sentences[index + 1] if index + 1 < len(sentences) and _readable(sentences[index + 1]) else ""
            window = sentence[m.end():] + "。" + following
            for key in ("requests.carried_over.total", "requests.carried_forward.total",
                        "requests.partly_granted.total"):
                fm = _FOLLOW[key].search(window)
                if fm:
                    keep(key, prose.count_of(fm.group(1)), sentence)
            gm = _GRANTED.search(window)
            if gm:
                keep("requests.granted.total", prose.count_of(gm.group(1)), sentence)
        elif prose._NONE_RECEIVED.search(sentence):
            keep("requests.new_received.total", 0, sentence)
        nm = prose._NORMATIVE_ISSUED.search(sentence)
        if nm:
            keep(issued, int(nm.group(1)), sentence)
        elif prose._NORMATIVE_NONE.search(sentence):
            keep(issued, 0, sentence)
        rm = prose._REVIEW.search(sentence)
        if rm and "申请" in sentence:
            keep("appeals.review.total", prose.count_of(rm.group(1)), sentence)
        elif _NO_APPEALS.search(sentence) and not rm:
            keep("appeals.review.total", 0, sentence)
        lm = _LAWSUIT.search(sentence)
        if lm and "申请" in sentence:
            keep(LAWSUITS, prose.count_of(lm.group(1)), sentence)
        elif _NO_LAWSUITS.search(sentence) and not lm:
            keep(LAWSUITS, 0, sentence)
    return list(found.values())


def _table_value(report: ReportRow, key: str) -> float | None:
    """The tables' value for a key (None when the tables did not give every cell it needs)."""
    keys = ["appeals.lawsuit_direct.total", "appeals.lawsuit_after_review.total"] if key == LAWSUITS else [key]
    if any(k not in report.cells or report.methods.get(k) == "prose" for k in keys):
        return None
    return sum(float(report.cells[k] or 0) for k in keys)


def text_vs_table_findings(archive: Archive) -> list[CrossFinding]:
    """One finding per statement that no reading of the tables agrees with."""
    out = []
    for body_id, years in sorted(archive.by_body.items()):
        for year, report in sorted(years.items()):
            if not report.tabular:
                continue
            for st in read_statements(archive.text(report.id), report.template):
                table = _table_value(report, st.key)
                if table is None or abs(table - st.value) < 1e-9:
                    continue
                if st.loose:
                    with_carried = table + float(report.cells.get("requests.carried_over.total") or 0)
                    if abs(with_carried - st.value) < 1e-9:
                        continue
                out.append(CrossFinding(
                    "text_vs_table", body_id, year, report_id=report.id, key=st.key, value=st.value,
                    other_value=table, sentence=st.sentence, document_id=report.document_id,
                    detail=f"正文称{LABELS.get(st.key, st.key)}{st.value}件，表格为{fmt(table)}件",
                ))
    return out
