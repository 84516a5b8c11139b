"""A row's cells printed with no separator ('规范性文件898989', '210000021'), split by what the report guarantees.

A PDF text layer or a text dump of a Word page can join a row's numbers into
one run of digits. The run is cut into the row's columns (each part a number
as a cell prints it: no leading zero, a sign only where a column may be
negative, a decimal point only in an amount), and a cut is kept only when the
row's own arithmetic holds: in table 三 总计 = the six applicant columns, in
table 四 总计 = 维持 + 纠正 + 其他 + 尚未审结, in table 二 a cumulative count is
never below this year's (对外公开总数量 ≥ 本年新公开, 现行有效件数 ≥ 本年制发件数).
Rules 1 and 3 then choose between the cuts of table 三's rows together. A
cell is read only when every cut still standing gives it the same value;
otherwise it stays missing and the reason is kept (never a guess).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from crawler import schema
from crawler.extract.checks import check_rule1, check_rule3

_INT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"[+-]?(?:0|[1-9]\d*)")
_DECIMAL = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
#: A run a row's cells may have been joined into: digits, with a point or a sign where a column allows one.
GLUED = re.compile(r"^[+-]?[0-9][0-9.+-]*$")
MAX_CUTS = 64  # more cuts than this of one run: ambiguous anyway, stop looking
MAX_STEPS = 200_000  # places tried in one run, all columns together
MAX_COMBINATIONS = 20_000
#: The longest a cell prints: no count in these reports reaches ten digits, nor an amount nine characters.
MAX_PART = 9


def _pattern(col: str) -> re.Pattern[str]:
    if col in ("amount", "amount_wan"):
        return _DECIMAL
    if col == "change":
        return _SIGNED
    return _INT


def _value(text: str) -> int | float:
    return float(text) if "." in text else int(text)


Check = Callable[[Sequence[int | float]], bool]


def cuts(text: str, columns: Sequence[str],
         group_checks: Sequence[tuple[int, Check]] = ()) -> list[list[str]] | None:
    """Every way to cut ``text`` into one part per column that the per-group checks accept;
    None when there are too many to look at (ambiguous, whatever they are).

    ``group_checks``: (end, check) — once the parts up to index ``end`` (exclusive) are cut,
    ``check`` is called with the values of the group that ends there. The walk is bounded by the
    places it tries (MAX_STEPS), and a part never runs past MAX_PART characters, so a long run costs
    little: one no column count can hold has no cut at all.
    """
    if len(text) > len(columns) * MAX_PART:
        return []
    ends = dict(group_checks)
    starts = sorted([0] + [e for e, _ in group_checks])
    out: list[list[str]] = []
    steps = 0

    def group_start(end: int) -> int:
        return max(s for s in starts if s < end)

    def walk(pos: int, parts: list[str]) -> bool:
        """False once the budget is spent (stop everywhere)."""
        nonlocal steps
        k = len(parts)
        if k == len(columns):
            if pos == len(text):
                out.append(list(parts))
            return len(out) <= MAX_CUTS
        left = len(columns) - k - 1  # the parts still to cut after this one: 1 to MAX_PART characters each
        first = max(pos + 1, len(text) - left * MAX_PART)
        last = min(pos + MAX_PART, len(text) - left)
        for end in range(first, last + 1):
            steps += 1
            if steps > MAX_STEPS:
                return False
            piece = text[pos:end]
            if not _pattern(columns[k]).fullmatch(piece):
                if piece[0] == "0" and len(piece) > 1:
                    break  # a leading zero only grows
                continue
            parts.append(piece)
            check = ends.get(k + 1)
            if (check is None or check([_value(p) for p in parts[group_start(k + 1):k + 1]])) and not walk(end, parts):
                return False
            parts.pop()
        return True

    if not walk(0, []):
        return None  # too many to tell apart
    return out


def describe(options: list[list[str]] | None) -> str:
    """Why a run's cells stay missing, in the words the review note uses."""
    if options is None:
        return "拆分方式太多，无法判断"
    return "没有一种拆分符合勾稽关系" if not options else "有多种拆分都符合勾稽关系"


def _sum_check(columns: Sequence[str], total: str) -> Check:
    at = list(columns).index(total)

    def check(values: Sequence[int | float]) -> bool:
        return abs(values[at] - (sum(values) - values[at])) < 1e-6
    return check


def _not_below(columns: Sequence[str], pairs: Sequence[tuple[str, str]]) -> Check:
    index = {c: n for n, c in enumerate(columns)}

    def check(values: Sequence[int | float]) -> bool:
        return all(values[index[small]] <= values[index[big]] for small, big in pairs
                   if small in index and big in index)
    return check


#: Table 二's cumulative columns are never below this year's.
_PROACTIVE_PATTERN = (("published", "total_published"), ("made", "total_published"), ("issued", "in_force"))


def row_check(part: str, columns: Sequence[str]) -> Check | None:
    """The arithmetic one row guarantees, for its columns in printed order."""
    if part == "requests" and "total" in columns and len(columns) == len(schema.REQUEST_COLUMNS):
        return _sum_check(columns, "total")
    if part == "appeals" and "total" in columns and len(columns) == len(schema.APPEAL_COLUMNS):
        return _sum_check(columns, "total")
    if part == "proactive":
        return _not_below(columns, _PROACTIVE_PATTERN)
    return None


def row_cuts(part: str, text: str, columns: Sequence[str]) -> list[list[str]] | None:
    """The cuts of one row's run by its own arithmetic (None: too many to look at)."""
    found = _row_cuts(part, text, tuple(columns))
    return None if found is None else [list(c) for c in found]


@functools.lru_cache(maxsize=4096)
def _row_cuts(part: str, text: str, columns: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
    """Cached: a document's trial readings ask for the same rows' cuts again and again."""
    check = row_check(part, columns)
    found = cuts(text, columns, [(len(columns), check)] if check else ())
    return None if found is None else tuple(tuple(c) for c in found)


@dataclass
class Glued:
    """One row printed as a run with no separator, waiting for its cut."""

    part: str
    row: str
    columns: tuple[str, ...]
    text: str
    method: str

    def keys(self) -> list[str]:
        return [f"{self.part}.{self.row}.{c}" for c in self.columns]


def _joint(rows: list[Glued], options: list[list[list[str]]], cells: dict, template: str) -> list[tuple[int, ...]]:
    """The combinations of table 三's cuts under which rules 1 and 3 hold (with the cells read otherwise)."""
    sizes = [len(o) for o in options]
    total = 1
    for n in sizes:
        total *= max(n, 1)
    if total > MAX_COMBINATIONS or total <= 1:
        return []
    # A rule decides only where every row it relates is printed whole: a cell not read is unknown, not 0.
    printed = {k.split(".")[1] for k in cells if k.startswith("requests.")}
    known = {row for row in printed
             if all(cells.get(f"requests.{row}.{c}") is not None for c in schema.REQUEST_COLUMNS)}
    known |= {g.row for g in rows}
    if "other_misc" in known and template == "2021":
        known |= {"other_no_correction", "other_fee_unpaid"}  # one 其他处理 row stands for the three
    results = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
    checks = []
    if known >= {"new_received", "carried_over", "results_total", "carried_forward"}:
        checks.append(check_rule1)
    if known >= {*results, "results_total"}:
        checks.append(check_rule3)
    if not checks:
        return []
    keep = []
    for combo in itertools.product(*[range(n) for n in sizes]):
        trial = dict(cells)
        for n, (g, pick) in enumerate(zip(rows, combo, strict=True)):
            trial.update({k: _value(v) for k, v in zip(g.keys(), options[n][pick], strict=True)})
        if not any(check(trial, template) for check in checks):
            keep.append(combo)
    return keep


def resolve(glued: list[Glued], cells: dict, template: str) -> Iterator[tuple[str, int | float, Glued]]:
    """(key, value, row) for each cell every standing cut agrees on; ``unresolved`` gets the rest."""
    options = [row_cuts(g.part, g.text, g.columns) for g in glued]
    requests = [n for n, g in enumerate(glued) if g.part == "requests" and options[n] is not None and len(options[n]) > 1]
    if requests:
        fixed = dict(cells)
        for n, g in enumerate(glued):
            if g.part == "requests" and options[n] is not None and len(options[n]) == 1:
                fixed.update({k: _value(v) for k, v in zip(g.keys(), options[n][0], strict=True)})
        rows = [glued[n] for n in requests]
        standing = _joint(rows, [options[n] for n in requests], fixed, template)
        if standing:  # none standing: the source breaks a rule itself; each row keeps its own cuts
            for j, n in enumerate(requests):
                options[n] = [options[n][i] for i in sorted({combo[j] for combo in standing})]
    for g, opts in zip(glued, options, strict=True):
        if not opts:  # no cut, or too many to look at
            continue
        for n, key in enumerate(g.keys()):
            values = {_value(o[n]) for o in opts}
            if len(values) == 1:
                yield key, values.pop(), g


def why_missing(glued: list[Glued], read: set[str]) -> list[str]:
    """A sentence per glued row some of whose cells stayed missing."""
    out = []
    for g in glued:
        missing = [k for k in g.keys() if k not in read]
        if not missing:
            continue
        how = describe(row_cuts(g.part, g.text, g.columns))
        out.append(f"{g.part}.{g.row}：数字连写“{g.text}”，{how}，{len(missing)}个单元格未读")
    return out
