"""Layers 2 and 3: walk the token stream with the template's rows and read their cells.

A row label is followed by its values (as many as the row has columns). When
a rendering lost the grid (a PDF text layer prints some rows' numbers before
their label, or on the line after a wrapped label), labels and runs of numbers
between two rows read on one line are paired in order. Appeals (table 四) are
fifteen values in a row after a header naming 行政复议/行政诉讼.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from crawler import schema
from crawler.extract.checks import check_report
from crawler.extract.headers import (
    appeal_order,
    applicant_order,
    ordered,
    proactive_columns,
    without_subtotal,
)
from crawler.extract.labels import is_sentence, match_row
from crawler.extract.model import CellValue
from crawler.extract.split import GLUED, Glued, cuts, describe, resolve, row_check, row_cuts, why_missing
from crawler.extract.tokens import Token
from crawler.extract.values import normalize_width

# A group header of table 二: '第二十条第（五）项' names the item whose rows follow.
_ITEM = re.compile(r"第\s*[（(]\s*([一二三四五六七八九十]+)\s*[)）]\s*项")
# The headings of parts 二, 三 and 四: rows of one part never take numbers printed in another.
_PART_HEADING = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议、?行政诉讼情况")


@dataclass
class Reading:
    """Cells read by one method, with their raw text and how each was read."""

    cells: dict[str, CellValue] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)
    # Sums that only the checks see: a 2021 report's single 其他处理 row stands for its three rows.
    check_only: dict[str, CellValue] = field(default_factory=dict)
    # Rows printed as one run of digits (split.py): cut once every row is read, with the rules.
    split_runs: bool = False
    glued: list[Glued] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # why a reading is unsure: cells left missing, and the like
    parts_seen: set[str] = field(default_factory=set)  # tables whose row labels are printed, read or not

    def put(self, key: str, token: Token, method: str) -> None:
        if token.kind == "junk":
            return  # unreadable ('+(0) -(0)'): absent rather than guessed
        self.cells[key] = token.value
        self.raw[key] = token.text
        self.method[key] = method

    def merge_missing(self, other: Reading) -> None:
        for key, value in other.cells.items():
            if key not in self.cells:
                self.cells[key] = value
                self.raw[key] = other.raw[key]
                self.method[key] = other.method[key]

    def broken(self, template: str) -> int:
        return len(check_report({**self.check_only, **self.cells}, template))


@dataclass
class Event:
    """A row label with the values after it, or a run of values with no row label (row is None)."""

    part: str | None
    row: str | None
    run: list[Token]
    label_line: int = -1
    boundary: bool = False  # a part's heading: no pairing in order reaches across it
    header: list[str] | None = None  # table 二's columns as its last header printed them
    group: str | None = None  # the 第二十条 item (一, 五 …) whose header this run follows

    @property
    def anchored(self) -> bool:
        """Label and values on one line (a grid row, or a text row printed whole)."""
        return self.row is not None and bool(self.run) and self.run[0].line == self.label_line


@lru_cache(maxsize=4)
def _columns(template: str) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(part, row.key): row.columns for part, rows in schema.template_rows(template).items() for row in rows}


def _run_after(tokens: list[Token], i: int) -> list[Token]:
    """The values right after token i, up to the next label."""
    run = []
    j = i + 1
    while j < len(tokens) and tokens[j].is_value:
        run.append(tokens[j])
        j += 1
    return run


def _label_rest(tokens: list[Token], i: int, template: str, m) -> list[Token] | None:
    """The values after the rest of label i (token i + 1), when the label wrapped onto the next line without them.

    Only when the next label names no row itself and the two together name the same row as well
    or better than the first part alone.
    """
    j = i + 1
    if j >= len(tokens) or tokens[j].kind != "label" or tokens[j].line == tokens[i].line:
        return None
    nxt = tokens[j].text
    if match_row(nxt, template, m.row) is not None or proactive_columns(nxt) or _PART_HEADING.search(nxt):
        return None
    whole = match_row(tokens[i].text + nxt, template, m.row)
    run = _run_after(tokens, j)
    if whole is None or whole.row != m.row or whole.score < m.score or not run:
        return None
    return run


def _wrapped_around(tokens: list[Token], i: int, run: list[Token], template: str, last_row: str | None):
    """The row that label i names together with the label after its run, when neither names a row alone
    (a PDF text layer wraps a long label around the row's numbers)."""
    tok = tokens[i]
    j = i + 1 + len(run)
    if tok.kind != "label" or tok.grid or not run or j >= len(tokens) or tokens[j].kind != "label":
        return None
    rest = tokens[j]
    if rest.line == run[-1].line or is_sentence(tok.text) or is_sentence(rest.text) \
            or _PART_HEADING.search(rest.text) or match_row(rest.text, template, last_row) is not None:
        return None
    whole = match_row(tok.text + rest.text, template, last_row)
    return whole if whole is not None and whole.how in ("exact", "prefix") else None


def _events(tokens: list[Token], template: str) -> list[Event]:
    """Row labels with the values after them, and runs of values after words that name no row."""
    columns = _columns(template)
    events: list[Event] = []
    last_row: str | None = None
    header: list[str] | None = None
    header_end = -1
    recent: list[str] = []  # label words before table 三's first row: its header
    applicants: list[str] | None = None
    seen_requests = False
    item: str | None = None  # table 二's group printed last
    # A 2021 report printing the 2019 form's one （六）其他处理 row: none of the three rows is named.
    single_other = template == "2021" and not any(
        (m := match_row(t.text, template)) is not None and m.row in _OTHER_2021[:2] for t in tokens if t.kind == "label")
    i = 0
    if tokens and tokens[0].is_value:
        run = _run_after(tokens, -1)
        events.append(Event(None, None, run))
        i = len(run)
    while i < len(tokens):
        tok = tokens[i]
        run = _run_after(tokens, i)
        named = proactive_columns(tok.text) if tok.kind == "label" else None
        if named:
            header = (header + named) if header_end == i - 1 and header else named
            header_end = i
        m = None if named else match_row(tok.text, template, last_row)
        wrapped = 0
        if m is None and not named and (whole := _wrapped_around(tokens, i, run, template, last_row)) is not None:
            m, wrapped = whole, 1  # '4.无正当理由' + '0000000' + '大量反复申请': a label wrapped around its numbers
        if tok.kind == "label" and not tok.grid:
            recent = (recent + [tok.text])[-40:]
        if m and m.part == "requests" and not seen_requests:
            seen_requests = True
            order = applicant_order(recent[:-1])
            applicants = list(order) if order else None
        if m and is_sentence(tok.text) and not m.leads:
            m = None
        if m and template == "2021" and m.row == "other" and not run and not single_other:
            m = None  # （六）其他处理 heads three rows in 2021
        if m and not tok.grid and m.row == last_row and events and events[-1].row == m.row:
            m = None  # the rest of a label wrapped over two lines names its row again
        skip = 0
        if m and not run and (rest := _label_rest(tokens, i, template, m)) is not None:
            run, skip = rest, 1  # '5.要求行政机关确认' + '或重新出具已获取信息 11 4 …': one label over two lines
        if m:
            last_row = m.row
            width = len(columns.get((m.part, m.row), ())) or 7
            head, rest = run, []
            if len(run) > width and len(run) % width == 0 and (m.part == "requests" or not run[0].grid):
                head, rest = run[:width], run[width:]
            events.append(Event(m.part, m.row, head, tok.line,
                                header={"proactive": header, "requests": applicants}.get(m.part)))
            for k in range(0, len(rest), width):
                events.append(Event(None, None, rest[k:k + width]))
        elif run and item:  # under a group header of table 二: a printed line is a row
            for n in dict.fromkeys(t.line for t in run):
                events.append(Event(None, None, [t for t in run if t.line == n], header=header, group=item))
        elif run:
            events.append(Event(None, None, run))
        elif _PART_HEADING.search(tok.text):
            events.append(Event(None, None, [], boundary=True))
        if tok.kind == "label" and not m:
            found = _ITEM.search(normalize_width(tok.text))
            if found:
                item = found.group(1)
            elif _PART_HEADING.search(tok.text):
                item = None
        i += 1 + skip + len(run) + wrapped
    return [e for e in events if e.row is not None or e.boundary or any(t.kind == "number" for t in e.run)]


def _assign(reading: Reading, template: str, part: str, row: str, run: list[Token], method: str,
            loose: bool = False, header: list[str] | None = None) -> None:
    """A row's values into its columns in the template's order (the first reading of a cell wins).

    ``loose``: the run was not printed on its label's line in a laid-out page, so a short run may
    belong to a neighbouring row; it is only read when it fills the row.
    """
    cols = _columns(template).get((part, row))
    if not cols or not run:
        return
    header, run = without_subtotal(header, list(run))
    cols = ordered(cols, header)
    # A run of a table 三 row's seven cells needs seven digits or more: no count is that large, so it is
    # cut wherever it appears; elsewhere only when the document prints its rows that way.
    if (reading.split_runs or part == "requests") and (glued := _glued_text(run, cols)) is not None:
        if not any(g.part == part and g.row == row for g in reading.glued):
            reading.glued.append(Glued(part, row, cols, glued, method))
        return
    while len(run) > len(cols) and run[0].kind == "blank":
        run.pop(0)  # an empty second label column before the numbers
    if part == "requests" and not loose and 2 <= len(run) < len(cols) and all(t.kind == "number" for t in run) \
            and abs(run[-1].value - sum(t.value for t in run[:-1])) < 1e-6:
        # Blank cells dropped ('56 | | | | | | 56' read as '56 56'): 总计 is last. Which columns the
        # others fill is not known (even with two numbers 自然人 may be the blank one): only 总计 is read.
        key = f"{part}.{row}.total"
        if key not in reading.cells:
            reading.put(key, run[-1], method if method.endswith("-order") else method + "-order")
        reading.review.append(f"{part}.{row}：只印出{len(run)}个数（空白格被略去），除总计外无法确定所在列")
        return
    if (part == "requests" or loose) and len(run) < len(cols):
        if part == "requests" and not loose and any(t.kind == "number" for t in run):
            reading.review.append(f"{part}.{row}：只印出{len(run)}个数，无法确定所在列，未读")
        return  # a short run in a seven-column row, or one away from its label, cannot be placed
    for col, tok in zip(cols, run, strict=False):
        key = f"{part}.{row}.{col}"
        if key not in reading.cells:
            reading.put(key, tok, method)


def _glued_text(run: list[Token], cols: tuple[str, ...]) -> str | None:
    """The run's text when it is one row's cells printed with no separator (one token, a digit a cell or more)."""
    if len(cols) < 2 or len(run) != 1 or run[0].kind not in ("number", "junk") or run[0].grid:
        return None
    text = normalize_width(run[0].text).strip()
    if not GLUED.match(text) or sum(ch.isdigit() for ch in text) < len(cols):
        return None
    return text


def _splits_runs(events: list[Event], template: str) -> bool:
    """True when the rows of tables 二 and 三 come as runs with no separator more often than as cells."""
    columns = _columns(template)
    widths: dict[str, int] = {}
    for row in schema.template_rows(template)["proactive"]:
        item = row.group.rsplit("（", 1)[-1].split("）")[0]
        widths[item] = min(widths.get(item, 99), len(row.columns))
    glued = whole = 0
    for e in events:
        if e.row:
            width = len(columns.get((e.part, e.row), ()))
        else:
            width = widths.get(e.group or "", 0)
        if width < 2:
            continue
        if _glued_text(e.run, ("_",) * width) is not None:
            glued += 1
        elif len(e.run) >= width:
            whole += 1
    return glued > whole


def _cut_glued(reading: Reading, template: str) -> None:
    """The glued rows' cells that exactly one reading of the rules gives (method 'split', the run kept raw)."""
    if not reading.glued:
        return
    for key, value, g in resolve(reading.glued, {**reading.check_only, **reading.cells}, template):
        if key not in reading.cells:
            reading.cells[key] = value
            reading.raw[key] = g.text
            # a row placed by the template's order stays marked so (a rule it breaks needs a look)
            reading.method[key] = "split-order" if g.method.endswith("-order") else "split"
    reading.review += why_missing(reading.glued, set(reading.cells))


Pairing = dict[int, list[Token]]  # id of a row event → the run it is read with


def laid_out(events: list[Event]) -> bool:
    """True when rows are printed along lines (label and numbers, or several numbers, on one line): a page
    layout (a PDF's text layer) that can print a row's numbers away from its label. Where every value
    sits on a line of its own (one cell per line), a label with no values after it is a row whose blank
    cells were dropped, not a displaced one."""
    return any(e.anchored or (len(e.run) > 1 and e.run[0].line == e.run[1].line) for e in events)


def _segments(events: list[Event]) -> list[Pairing]:
    """Between two rows printed whole, labels and runs of numbers that pair up one to one, in order.

    Only segments that hold a run with no label of its own are returned: elsewhere each
    label simply takes the values after it.
    """
    out: list[Pairing] = []
    segment: list[Event] = []

    def flush() -> None:
        rows = [e for e in segment if e.row is not None]
        runs = [e.run for e in segment if e.run]
        if rows and len(rows) == len(runs) and any(e.row is None for e in segment):
            out.append({id(e): run for e, run in zip(rows, runs, strict=True)})
        segment.clear()

    if not laid_out(events):
        return out
    for e in events:
        if e.anchored or e.boundary:
            flush()
        else:
            segment.append(e)
    flush()
    return out


def _read_rows(events: list[Event], template: str, pairings: list[Pairing], split_runs: bool = False) -> Reading:
    """Each row with the values after it, or with the run a chosen pairing gives it."""
    reading = Reading(split_runs=split_runs)
    paired: Pairing = {}
    for pairing in pairings:
        paired.update(pairing)
    laid = laid_out(events)
    for e in events:
        if e.row is None:
            continue
        run = paired.get(id(e), e.run)
        grid = bool(run) and run[0].grid
        method = ("grid" if grid else "text") + ("-order" if id(e) in paired else "")
        loose = laid and not grid and (id(e) in paired or not e.anchored)
        _assign(reading, template, e.part, e.row, run, method, loose, e.header)
    return reading


def _fill_gaps(reading: Reading, events: list[Event], template: str) -> None:
    """Unlabelled runs between two read rows take the rows missing between them, in template order."""
    order = [(part, row.key) for part, rows in schema.template_rows(template).items() for row in rows]
    index = {k: n for n, k in enumerate(order)}
    read_rows = {tuple(k.split(".")[:2]) for k in reading.cells}
    last: int | None = None
    pending: list[Event] = []
    for e in events:
        if e.boundary:
            last, pending = None, []
            continue
        if e.row is None:
            if last is not None:
                pending.append(e)
            continue
        here = index.get((e.part, e.row))
        if here is None:
            continue
        if last is not None and pending and here > last:
            missing = [order[k] for k in range(last + 1, here) if order[k] not in read_rows]
            if len(missing) == len(pending) and here - last - 1 == len(missing):
                for (part, row), orphan in zip(missing, pending, strict=True):
                    method = ("grid" if orphan.run[0].grid else "text") + "-order"
                    _assign(reading, template, part, row, orphan.run, method, laid_out(events))
        pending = []
        last = here


def _appeal_keys(labels: list[str]) -> list[str]:
    """The fifteen cells in printed order: each group's outcomes as the header orders them."""
    order = appeal_order(labels, len(schema.APPEALS)) or [schema.APPEAL_COLUMNS] * len(schema.APPEALS)
    return [f"appeals.{row.key}.{col}" for row, cols in zip(schema.APPEALS, order, strict=True) for col in cols]


def _glued_appeals(run: list[Token], keys: list[str]) -> str | None:
    """The text of a run that prints len(keys) appeal cells with no separator, else None."""
    if len(run) != 1 or run[0].kind not in ("number", "junk") or run[0].grid or len(keys) < 2:
        return None
    text = normalize_width(run[0].text).strip()
    return text if GLUED.match(text) and sum(ch.isdigit() for ch in text) >= len(keys) else None


def _put_appeals(reading: Reading, keys: list[str], run: list[Token]) -> bool:
    """A run of table 四's cells into ``keys``: one value a cell, or one glued run cut by rule 4. False: no fit."""
    if len(run) >= len(keys) and len(keys) != 1:
        for key, tok in zip(keys, run, strict=False):
            if key not in reading.cells:
                reading.put(key, tok, "grid" if tok.grid else "text")
        return True
    text = _glued_appeals(run, keys)
    if text is None:
        return False
    columns = [k.rsplit(".", 1)[1] for k in keys]
    checks = [(end, check) for end in range(5, len(columns) + 1, 5)
              if (check := row_check("appeals", columns[end - 5:end])) is not None]
    options = cuts(text, columns, checks)
    if options:
        for n, key in enumerate(keys):
            values = {o[n] for o in options}
            if len(values) == 1 and key not in reading.cells:
                value = values.pop()
                reading.cells[key] = float(value) if "." in value else int(value)
                reading.raw[key] = text
                reading.method[key] = "split"
    missing = [k for k in keys if k not in reading.cells]
    if missing:
        reading.review.append(f"appeals：数字连写“{text}”，{describe(options)}，{len(missing)}个单元格未读")
    return True


def _read_appeals(tokens: list[Token]) -> Reading:
    reading = Reading()
    i = 0
    while i < len(tokens):
        if not tokens[i].is_value:
            i += 1
            continue
        j = i
        while j < len(tokens) and tokens[j].is_value:
            j += 1
        run = tokens[i:j]
        context = [t.text for t in tokens[max(0, i - 60):i] if t.kind == "label"]
        if (len(run) >= 15 or _glued_appeals(run, ["_"] * 15)) and \
                any(w in c for c in context for w in ("复议", "诉讼", "审结", "维持")):
            _put_appeals(reading, _appeal_keys(context), run)
            return reading
        i = j
    split = _read_appeal_split(tokens)
    return split if split.cells or split.review else _read_appeal_rows(tokens)


def _runs_with_labels(tokens: list[Token]) -> list[tuple[list[str], list[Token]]]:
    """Each run of values with the labels printed between it and the run before."""
    out, labels, run = [], [], []
    for tok in tokens:
        if tok.is_value:
            run.append(tok)
            continue
        if run:
            out.append((labels, run))
            labels, run = [], []
        labels.append(tok.text)
    if run:
        out.append((labels, run))
    return out


def _read_appeal_split(tokens: list[Token]) -> Reading:
    """Table 四 as two tables: 行政复议's five outcomes, then 行政诉讼's ten (direct, then after review)."""
    reading = Reading()
    runs = _runs_with_labels(tokens)
    for (review_labels, review), (lawsuit_labels, lawsuits) in zip(runs, runs[1:], strict=False):
        if not (len(review) == 5 or _glued_appeals(review, ["_"] * 5)) or \
                not (len(lawsuits) == 10 or _glued_appeals(lawsuits, ["_"] * 10)):
            continue
        review_labels = [t for t in review_labels if not _PART_HEADING.search(t)]  # the heading names both
        if not any("行政复议" in t for t in review_labels) or any("诉讼" in t for t in review_labels):
            continue
        if not any("诉讼" in t for t in lawsuit_labels):
            continue
        groups = (appeal_order(review_labels, 1) or [schema.APPEAL_COLUMNS]) + \
            (appeal_order(lawsuit_labels, 2) or [schema.APPEAL_COLUMNS] * 2)
        keys = [f"appeals.{row.key}.{col}" for row, cols in zip(schema.APPEALS, groups, strict=True) for col in cols]
        _put_appeals(reading, keys[:5], review)
        _put_appeals(reading, keys[5:], lawsuits)
        return reading
    return reading


_APPEAL_ROW_LABELS = (("lawsuit_after_review", "复议后起诉"), ("lawsuit_direct", "未经复议直接起诉"),
                      ("lawsuit_direct", "直接起诉"), ("review", "行政复议"))


def _read_appeal_rows(tokens: list[Token]) -> Reading:
    """Appeals printed as three rows of five ('行政复议 | 0 | 0 | 0 | 0 | 0')."""
    reading = Reading()
    for i, tok in enumerate(tokens):
        if tok.kind != "label" or len(tok.text) > 20:
            continue
        run = _run_after(tokens, i)
        if len(run) != 5 and not _glued_appeals(run, ["_"] * 5):
            continue
        label = "".join(tok.text.split())  # '行政 复议': a label split over lines in its cell
        row = next((key for key, word in _APPEAL_ROW_LABELS if word in label), None)
        if row is None:
            continue
        order = appeal_order([t.text for t in tokens[max(0, i - 40):i] if t.kind == "label"], 1)
        _put_appeals(reading, [f"appeals.{row}.{col}" for col in (order[0] if order else schema.APPEAL_COLUMNS)], run)
    return reading


def _total_first(reading: Reading) -> bool:
    """True when the request rows print 总计 before 自然人 (rule 2 holds only that way round)."""
    first = last = 0
    for row in schema.REQUESTS_2021 + schema.REQUESTS_2019:
        vals = [reading.cells.get(f"requests.{row.key}.{c}") for c in schema.REQUEST_COLUMNS]
        nums = [v or 0 for v in vals]
        if not any(nums):
            continue
        first += abs(nums[0] - sum(nums[1:])) < 1e-6
        last += abs(nums[-1] - sum(nums[:-1])) < 1e-6
    return first > last


def _rotate_total(reading: Reading) -> None:
    for row in {k.split(".")[1] for k in reading.cells if k.startswith("requests.")}:
        keys = [f"requests.{row}.{c}" for c in schema.REQUEST_COLUMNS]
        if not all(k in reading.cells for k in keys):
            continue
        order = keys[-1:] + keys[:-1]  # printed: 总计, 自然人, …, 其他
        saved = [(reading.cells[k], reading.raw[k], reading.method[k]) for k in keys]
        for k, (v, r, m) in zip(order, saved, strict=True):
            reading.cells[k], reading.raw[k], reading.method[k] = v, r, m


_OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_misc")


def _single_other(reading: Reading, events: list[Event], template: str, total_first: bool, paired: Pairing) -> None:
    """A 2021 report printing the 2019 form's one （六）其他处理 row: where it says 0, so do its three rows.

    Counts are never negative, so a sum of 0 means each part is 0; any other sum cannot be split
    and those cells stay absent.
    """
    if template != "2021" or any(e.row in _OTHER_2021 for e in events):
        return
    found = [(e, paired.get(id(e), e.run)) for e in events if e.row == "other"]
    if reading.split_runs:
        found = [(e, _cut_single(run, ordered(schema.REQUEST_COLUMNS, e.header))) for e, run in found]
    single = [(e, run) for e, run in found if len(run) == len(schema.REQUEST_COLUMNS)]
    if len(single) != 1:
        return
    event, run = single[0]
    cols = ordered(schema.REQUEST_COLUMNS, event.header)  # as every other row of table 三 was read
    if total_first:
        cols = cols[-1:] + cols[:-1]
    for col, tok in zip(cols, run, strict=True):
        if tok.kind == "number" and tok.value == 0:
            for row in _OTHER_2021:
                key = f"requests.{row}.{col}"
                if key not in reading.cells:
                    reading.put(key, tok, ("grid" if tok.grid else "text") + "-order")  # inferred, not read by label
        elif tok.kind == "number":
            reading.check_only[f"requests.other_misc.{col}"] = tok.value  # the sum, for rule 3 only


def _order_groups(reading: Reading, events: list[Event], template: str) -> None:
    """Table 二 printed without its row labels: after a group header (第二十条第（五）项) and its column
    header, as many runs as the group has rows are its rows in the template's order. Only where no
    row of the group was named, and the count of runs is exactly the count of rows."""
    rows = schema.template_rows(template)["proactive"]
    named = {e.row for e in events if e.part == "proactive"}
    runs: dict[str, list[Event]] = {}
    for e in events:
        if e.row is None and e.group and not e.boundary:
            runs.setdefault(e.group, []).append(e)
    for item, found in runs.items():
        members = [r for r in rows if r.group.endswith(f"（{item}）项")]
        if not members or any(r.key in named for r in members):
            continue
        if len(found) != len(members):
            reading.review.append(f"第二十条第（{item}）项：{len(found)}行数字，表中有{len(members)}行，行名未印出，未读")
            continue
        for row, e in zip(members, found, strict=True):
            _assign(reading, template, "proactive", row.key, e.run, "text-order", header=e.header)


def _cut_single(run: list[Token], cols: tuple[str, ...]) -> list[Token]:
    """A glued run of the one 其他处理 row, as one token a cell when exactly one cut adds up (else as it was)."""
    text = _glued_text(run, cols)
    if text is None:
        return run
    options = row_cuts("requests", text, cols)
    if options is None or len(options) != 1:
        return run
    return [Token("number", part, run[0].line, False) for part in options[0]]


def _reading(events: list[Event], template: str, pairings: list[Pairing]) -> Reading:
    reading = _read_rows(events, template, pairings, _splits_runs(events, template))
    _order_groups(reading, events, template)
    _fill_gaps(reading, events, template)
    first = _total_first(reading)
    if first:
        _rotate_total(reading)
    paired: Pairing = {}
    for pairing in pairings:
        paired.update(pairing)
    _single_other(reading, events, template, first, paired)
    _cut_glued(reading, template)
    return reading


def read_tables(tokens: list[Token], template: str) -> Reading:
    """Every cell the tables give; a segment is read paired in order when that breaks no more rules."""
    events = _events(tokens, template)
    chosen: list[Pairing] = []
    best = _reading(events, template, chosen)
    best_key = (best.broken(template), -len(best.cells))
    pending = _segments(events)
    for _ in range(2):  # a second round: a pairing may only add up once a later one is chosen
        before = len(pending)
        for pairing in list(pending):
            trial = _reading(events, template, chosen + [pairing])
            key = (trial.broken(template), -len(trial.cells))
            if key <= best_key:  # on a tie pairing wins: it also explains the run no label claimed
                chosen.append(pairing)
                pending.remove(pairing)
                best, best_key = trial, key
        if not pending or len(pending) == before:
            break
    appeals = _read_appeals(tokens)
    best.merge_missing(appeals)
    best.review += appeals.review
    named: dict[str, set[str]] = {}
    for e in events:
        if e.part and e.row:
            named.setdefault(e.part, set()).add(e.row)
    best.parts_seen = {part for part, rows in named.items() if len(rows) >= 3}  # a table, not a sentence naming a row
    return best
