"""Where OCR's rows and the template's disagree, the tables' arithmetic chooses between the readings.

A scan's boxes are put into rows by their height on the page. A number printed
a little off its row's line can land on the row beside it, and a speck of dust
can be read as a digit in a blank cell. The OCR reader names such boxes
(Document.doubts, each with its options: as read, moved to the neighbouring
row, dropped) and can lay the page out again with any option
(Document.relayout). Here each doubt is tried in turn, the others held, and
the option whose reading breaks the fewest rules (then: reads the most cells)
is kept, as for text renderings (tables.read_tables). Where options break the
rules equally but read a cell differently, the arithmetic cannot decide: the
cell is left missing and the reason kept (needs_review), never a guess. A
blank and a 0 count the same in the rules and are not a disagreement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from crawler.extract.document import Document, Line
from crawler.extract.tables import Reading

MAX_TRIALS = 60  # readings one document may need (doubts x options x rounds); beyond, none is tried


def _key(reading: Reading, template: str) -> tuple[int, int]:
    return reading.broken(template), -len(reading.cells)


def _same(a: object, b: object) -> bool:
    return (a or 0) == (b or 0)


def settle(doc: Document, template: str, read: Callable[[list[Line]], Reading]) -> Reading:
    """The reading of the document's lines, with each OCR doubt settled by the rules where they can."""
    best = read(doc.lines)
    if not doc.doubts or doc.relayout is None:
        return best
    relayout = doc.relayout
    cache: dict[tuple[int, ...], Reading] = {(0,) * len(doc.doubts): best}

    def trial(choice: Sequence[int]) -> Reading:
        key = tuple(choice)
        if key not in cache:
            cache[key] = read(relayout(key))
        return cache[key]

    if len(doc.doubts) * 2 * 2 > MAX_TRIALS:
        best.review.append(f"OCR：{len(doc.doubts)}处数字归属存疑，未逐一核对")
        return best

    choice = [0] * len(doc.doubts)
    best_key = _key(best, template)
    for _ in range(2):  # a second round: one move may only add up once another is made
        changed = False
        for d, (_what, options) in enumerate(doc.doubts):
            for pick in range(options):
                if pick == choice[d]:
                    continue
                other = trial(choice[:d] + [pick] + choice[d + 1:])
                key = _key(other, template)
                if key < best_key:
                    choice[d], best, best_key, changed = pick, other, key, True
        if not changed:
            break
    return _undecided(doc, choice, best, best_key, trial, template)


def _undecided(doc: Document, choice: list[int], best: Reading, best_key: tuple[int, int],
               trial: Callable[[Sequence[int]], Reading], template: str) -> Reading:
    """Cells that another option of a doubt reads differently, the rules holding as well: left missing."""
    dropped: set[str] = set()
    for d, (what, options) in enumerate(doc.doubts):
        doubtful: set[str] = set()
        for pick in range(options):
            if pick == choice[d]:
                continue
            other = trial(choice[:d] + [pick] + choice[d + 1:])
            if _key(other, template) != best_key:
                continue
            doubtful |= {k for k in set(best.cells) | set(other.cells)
                         if not _same(best.cells.get(k), other.cells.get(k))}
        doubtful &= set(best.cells)
        if doubtful:
            dropped |= doubtful
            best.review.append(f"OCR：{what}，归属不同而勾稽关系同样成立，{len(doubtful)}个单元格未读")
    for k in dropped:
        best.cells.pop(k, None)
        best.raw.pop(k, None)
        best.method.pop(k, None)
    return best
