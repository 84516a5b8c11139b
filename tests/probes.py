"""Probe documents in shapes the renderings do not make, each with the cells it owes, for tests.

Written from docs/schema.md (the template's rows, columns and rules), not from
any real report: numbers run together with no separator in several layouts, a
crawler's header block, blank cells as empty lines, prose that disagrees with
its table, and the like. Each probe says which gold cells it owes: a cell the
text leaves ambiguous is owed nothing but must never be read wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crawler import schema

R21 = [r.key for r in schema.REQUESTS_2021]
R19 = [r.key for r in schema.REQUESTS_2019]
LABELS = {r.key: r.label for r in schema.REQUESTS_2021 + schema.REQUESTS_2019}


def _requests(rows: dict[str, list[int]]) -> dict[str, int]:
    return {f"requests.{row}.{col}": v for row, vals in rows.items()
            for col, v in zip(schema.REQUEST_COLUMNS, vals, strict=True)}


def _row(*six: int) -> list[int]:
    return [*six, sum(six)]


# A 2021 report with multi-digit counts (rules 1–4 hold).
_REQ21 = {
    "new_received": _row(112, 9, 0, 1, 3, 2), "carried_over": _row(4, 1, 0, 0, 0, 0),
    "granted": _row(61, 5, 0, 1, 2, 1), "partly_granted": _row(10, 1, 0, 0, 0, 0),
    "denied_state_secret": _row(0, 0, 0, 0, 0, 0), "denied_law_forbids": _row(1, 0, 0, 0, 0, 0),
    "denied_security_stability": _row(0, 0, 0, 0, 0, 0), "denied_third_party": _row(2, 0, 0, 0, 0, 0),
    "denied_internal_affairs": _row(0, 0, 0, 0, 0, 0), "denied_process_info": _row(3, 0, 0, 0, 0, 0),
    "denied_enforcement_file": _row(0, 0, 0, 0, 0, 0), "denied_query_matter": _row(5, 0, 0, 0, 0, 0),
    "unavailable_not_held": _row(20, 2, 0, 0, 1, 1), "unavailable_needs_creation": _row(2, 0, 0, 0, 0, 0),
    "unavailable_unclear": _row(1, 0, 0, 0, 0, 0), "not_processed_petition": _row(4, 1, 0, 0, 0, 0),
    "not_processed_duplicate": _row(1, 0, 0, 0, 0, 0), "not_processed_publication": _row(0, 0, 0, 0, 0, 0),
    "not_processed_excessive": _row(0, 0, 0, 0, 0, 0), "not_processed_confirmation": _row(0, 0, 0, 0, 0, 0),
    "other_no_correction": _row(2, 0, 0, 0, 0, 0), "other_fee_unpaid": _row(0, 0, 0, 0, 0, 0),
    "other_misc": _row(0, 1, 0, 0, 0, 0),
}
_RESULTS21 = [r for r in R21[2:-2]]
_REQ21["results_total"] = [sum(_REQ21[r][c] for r in _RESULTS21) for c in range(7)]
_REQ21["carried_forward"] = [a + b - t for a, b, t in
                             zip(_REQ21["new_received"], _REQ21["carried_over"], _REQ21["results_total"], strict=True)]
PROACTIVE21 = {"proactive.regulations.issued": 0, "proactive.regulations.repealed": 0,
               "proactive.regulations.in_force": 3, "proactive.normative_documents.issued": 12,
               "proactive.normative_documents.repealed": 4, "proactive.normative_documents.in_force": 86,
               "proactive.licensing.decisions": 3960, "proactive.penalties.decisions": 181,
               "proactive.coercion.decisions": 7, "proactive.fees.amount_wan": 12.5}
APPEALS = {"appeals.review.upheld": 3, "appeals.review.corrected": 1, "appeals.review.other": 0,
           "appeals.review.pending": 1, "appeals.review.total": 5,
           "appeals.lawsuit_direct.upheld": 2, "appeals.lawsuit_direct.corrected": 0,
           "appeals.lawsuit_direct.other": 0, "appeals.lawsuit_direct.pending": 0, "appeals.lawsuit_direct.total": 2,
           "appeals.lawsuit_after_review.upheld": 0, "appeals.lawsuit_after_review.corrected": 0,
           "appeals.lawsuit_after_review.other": 0, "appeals.lawsuit_after_review.pending": 1,
           "appeals.lawsuit_after_review.total": 1}
GOLD21 = {**PROACTIVE21, **_requests(_REQ21), **APPEALS}

# A small 2019 report (single-digit counts).
_REQ19 = {k: _row(0, 0, 0, 0, 0, 0) for k in R19}
_REQ19.update({"new_received": _row(5, 1, 0, 0, 0, 0), "granted": _row(3, 1, 0, 0, 0, 0),
               "unavailable_not_held": _row(1, 0, 0, 0, 0, 0), "results_total": _row(4, 1, 0, 0, 0, 0),
               "carried_forward": _row(1, 0, 0, 0, 0, 0)})
PROACTIVE19 = {"proactive.regulations.made": 0, "proactive.regulations.published": 0,
               "proactive.regulations.total_published": 0, "proactive.normative_documents.made": 3,
               "proactive.normative_documents.published": 3, "proactive.normative_documents.total_published": 8}
GOLD19 = {**PROACTIVE19, **_requests(_REQ19), **APPEALS}

TITLE21 = "某市某区交通运输局2023年政府信息公开工作年度报告"
TITLE19 = "某县某镇人民政府2020年政府信息公开工作年度报告"
HEAD3 = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人 法人或其他组织 总计",
         "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
HEAD4 = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼",
         "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
         "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计"]


@dataclass
class Probe:
    name: str
    text: str
    owed: dict[str, int | float | None]  # cells a correct reading gives
    checked: dict[str, int | float | None] = field(default_factory=dict)  # cells never to be read otherwise
    filename: str = "probe.txt"
    agency: str | None = None
    title: str | None = None
    published: str | None = None


def _run(values: list[int | float]) -> str:
    return "".join(str(v) for v in values)


def _requests_glued(rows: dict[str, list[int]], keys: list[str], style: str) -> list[str]:
    out = []
    for k, key in enumerate(keys):
        label = LABELS[key]
        digits = _run(rows[key])
        if style == "inline":
            out.append(label + digits)
        elif style == "below":
            out += [label, digits]
        elif style == "above":
            out += [digits, label]
        elif style == "wrapped" and len(label) > 12:
            out += [label[:7], digits, label[7:]]
        elif style == "mixed":
            out += [label + digits] if k % 3 else [label, digits]
        else:
            out.append(label + digits)
    return out


def _req_gold(rows: dict[str, list[int]], keys: list[str]) -> dict[str, int]:
    return {k: v for k, v in _requests({r: rows[r] for r in keys}).items()}


def _proactive21_glued(bare: bool = False) -> list[str]:
    g = PROACTIVE21
    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数"]
    rows = [("规章", [g["proactive.regulations.issued"], g["proactive.regulations.repealed"],
                    g["proactive.regulations.in_force"]]),
            ("行政规范性文件", [g["proactive.normative_documents.issued"], g["proactive.normative_documents.repealed"],
                         g["proactive.normative_documents.in_force"]])]
    lines += [(("" if bare else label) + _run(v)) for label, v in rows]
    lines += ["第二十条第（五）项", "信息内容 本年处理决定数量", f"行政许可{g['proactive.licensing.decisions']}",
              "第二十条第（六）项", "信息内容 本年处理决定数量", f"行政处罚{g['proactive.penalties.decisions']}",
              f"行政强制{g['proactive.coercion.decisions']}", "第二十条第（八）项", "信息内容 本年收费金额（单位：万元）",
              f"行政事业性收费{g['proactive.fees.amount_wan']}"]
    return lines


def _appeals_glued(shape: str) -> list[str]:
    vals = list(APPEALS.values())
    if shape == "one":
        return HEAD4 + [_run(vals)]
    if shape == "rows":
        return ["四、政府信息公开行政复议、行政诉讼情况", "结果维持 结果纠正 其他结果 尚未审结 总计",
                "行政复议" + _run(vals[:5]), "未经复议直接起诉" + _run(vals[5:10]), "复议后起诉" + _run(vals[10:])]
    return ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "结果维持 结果纠正 其他结果 尚未审结 总计",
            _run(vals[:5]), "行政诉讼", "未经复议直接起诉 复议后起诉",
            "结果维持 结果纠正 其他结果 尚未审结 总计 结果维持 结果纠正 其他结果 尚未审结 总计", _run(vals[5:])]


def _doc(title: str, *parts: list[str], intro: str = "一、总体情况\n2023年，本机关认真落实政府信息公开条例。") -> str:
    return "\n".join([title, intro] + [line for part in parts for line in part] + ["五、存在的主要问题及改进情况", "无。"]) + "\n"


def probes() -> list[Probe]:
    out: list[Probe] = []
    # '行政规范性文件12486' cuts as 12|4|86, 1|24|86 or 1|2|486, each within table 二's pattern: owed nothing.
    normative = {k: v for k, v in GOLD21.items() if k.startswith("proactive.normative_documents.")}
    full = {k: v for k, v in GOLD21.items() if k not in normative}
    for style in ("inline", "below", "above", "wrapped", "mixed"):
        text = _doc(TITLE21, _proactive21_glued(), HEAD3 + _requests_glued(_REQ21, R21, style), _appeals_glued("one"))
        out.append(Probe(f"glued-2021-{style}", text, full, checked=normative))
    for shape in ("rows", "split"):
        text = _doc(TITLE21, _proactive21_glued(), HEAD3 + _requests_glued(_REQ21, R21, "inline"), _appeals_glued(shape))
        out.append(Probe(f"glued-appeals-{shape}", text, full, checked=normative))
    text = _doc(TITLE21, _proactive21_glued(bare=True), HEAD3 + _requests_glued(_REQ21, R21, "inline"),
                _appeals_glued("one"))
    out.append(Probe("glued-proactive-bare", text, full, checked=normative))
    # 总计 printed first, the header saying so.
    first = {k: v[-1:] + v[:-1] for k, v in _REQ21.items()}
    head = HEAD3[:2] + ["总计 自然人 法人或其他组织", HEAD3[3]]
    text = _doc(TITLE21, _proactive21_glued(), head + _requests_glued(first, R21, "inline"), _appeals_glued("one"))
    out.append(Probe("glued-total-first", text, full, checked=normative))
    # Full-width digits and page footers between rows.
    lines = _requests_glued(_REQ21, R21, "inline")
    lines.insert(9, "- 3 -")
    wide = [s.translate(str.maketrans("0123456789", "０１２３４５６７８９")) for s in lines]
    text = _doc(TITLE21, _proactive21_glued(), HEAD3 + wide, _appeals_glued("one"))
    out.append(Probe("glued-full-width-footer", text, full, checked=normative))
    # Rows with blank cells dropped: their runs are short; nothing of those rows may be read wrong.
    dropped = dict(_REQ19)
    text_rows = []
    for key in R19:
        vals = dropped[key]
        shown = [v for v in vals if v] if key in ("granted", "results_total") else vals
        text_rows.append(LABELS[key] + _run(shown))
    owed19 = {k: v for k, v in GOLD19.items() if not k.startswith(("requests.granted.", "requests.results_total."))}
    text = _doc(TITLE19, ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
                          "规章000", "规范性文件338"], HEAD3 + text_rows, _appeals_glued("one"),
                intro="一、总体情况\n2020年，本镇认真落实政府信息公开条例。")
    out.append(Probe("glued-2019-dropped-blanks", text, owed19,
                     checked={k: v for k, v in GOLD19.items() if k not in owed19}))
    # 2019 single-digit rows below their labels.
    text = _doc(TITLE19, ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
                          "规章", "000", "规范性文件", "338"], HEAD3 + _requests_glued(_REQ19, R19, "below"),
                _appeals_glued("one"), intro="一、总体情况\n2020年，本镇认真落实政府信息公开条例。")
    out.append(Probe("glued-2019-below", text, GOLD19))
    # A crawler's header block above a pipe table.
    pipe = [f"{LABELS[k]} | " + " | ".join(str(v) for v in _REQ21[k]) for k in R21]
    header = ["标题: " + TITLE21, "发布时间: 2024-01-22 09:30", "原文链接: http://www.example.gov.cn/art/2024/1/22/art_1.html", ""]
    text = "\n".join(header) + "\n" + _doc("", HEAD3 + pipe)
    out.append(Probe("header-block", text, _req_gold(_REQ21, R21), agency="某市某区交通运输局", title=TITLE21,
                     published="2024-01-22"))
    # '标题：' written before the title line, no block.
    text = _doc("标题：" + TITLE21, HEAD3 + pipe)
    out.append(Probe("title-prefix", text, _req_gold(_REQ21, R21), agency="某市某区交通运输局", title=TITLE21))
    # One cell per line, blank cells as empty lines; and as '| 25 |' with lone '|' blanks.
    sparse = {k: [v[0], None, None, None, None, None, v[0]] for k, v in _REQ21.items()}
    sparse_gold = {f"requests.{k}.{c}": v for k, vals in sparse.items() for c, v in zip(schema.REQUEST_COLUMNS, vals,
                                                                                         strict=True)}
    cells = [c for k in R21 for c in [LABELS[k]] + ["" if v is None else str(v) for v in sparse[k]]]
    text = _doc(TITLE21, HEAD3[:1] + HEAD3[1].split() + "自然人 法人或其他组织 总计".split() + HEAD3[3].split() + cells)
    out.append(Probe("cell-per-line-empty", text, sparse_gold))
    md = [f"| {c} |" if c else "|" for c in cells]
    text = _doc(TITLE21, HEAD3[:1] + md)
    out.append(Probe("cell-per-line-md", text, sparse_gold))
    # Tables printed but table 三's numbers unreadable: the narrative's counts must not fill them.
    unread = [f"{LABELS[k]} | 见附表" for k in R21]
    intro = "一、总体情况\n2023年，本机关共收到政府信息公开申请75件，办结72件。"
    text = _doc(TITLE21, HEAD3 + unread, intro=intro)
    out.append(Probe("prose-beside-table", text, {}, checked={"requests.new_received.total": None,
                                                              "requests.results_total.total": None}))
    # Tab-separated rows, appeals glued in three rows.
    tabbed = [LABELS[k] + "\t" + "\t".join(str(v) for v in _REQ21[k]) for k in R21]
    text = _doc(TITLE21, HEAD3 + tabbed, _appeals_glued("rows"))
    out.append(Probe("tabs-and-glued-appeals", text, {**_req_gold(_REQ21, R21), **APPEALS}))
    # Glued rows whose label carries no numbering, and a 2021 report with one 其他处理 row.
    keys = [k for k in R21 if not k.startswith("other_")]
    rows = {k: _REQ21[k] for k in keys}
    other = [sum(_REQ21[r][c] for r in ("other_no_correction", "other_fee_unpaid", "other_misc")) for c in range(7)]
    lines = [LABELS[k].split(".", 1)[-1].split("）", 1)[-1] + _run(rows[k]) for k in keys[:-2]]
    lines += ["（六）其他处理" + _run(other)] + [LABELS[k] + _run(rows[k]) for k in keys[-2:]]
    owed = {k: v for k, v in _req_gold(_REQ21, keys).items()}
    text = _doc(TITLE21, HEAD3 + lines)
    out.append(Probe("glued-unnumbered-single-other", text, owed))
    # A spaced PDF text layer where one row of table 三 lost its spaces.
    spaced = [LABELS[k] + " " + " ".join(str(v) for v in _REQ21[k]) for k in R21]
    spaced[3] = LABELS[R21[3]] + _run(_REQ21[R21[3]])
    text = _doc(TITLE21, HEAD3 + spaced)
    out.append(Probe("one-glued-row-among-spaced", text, _req_gold(_REQ21, R21)))
    return out
