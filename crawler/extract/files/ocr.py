"""Images and image-only PDF pages → lines, with rapidocr (its wheel ships the models; nothing is fetched).

The page is deskewed from its longest horizontal rules, OCR'd, and the boxes
are put into rows by the bands between horizontal rules when the table has
them (so a wrapped label stays with its numbers), else by vertical overlap.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from crawler.extract.files.layout import Box, columns, join_wrapped, rows_by_overlap, to_grid
from crawler.extract.files.limits import MAX_IMAGE_PIXELS, OCR_MAX_PIXELS, fail
from crawler.extract.files.pages import Item, page_document
from crawler.extract.files.text import is_footer, join_pieces
from crawler.extract.values import value_kind

_LOCK = threading.Lock()  # one OCR at a time: the models are shared and each call uses every core
MIN_SCORE = 0.3


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def _gray(image):
    import numpy as np

    return np.asarray(image.convert("L"))


def _rule_mask(gray):
    """Pixels on long horizontal dark runs (table rules)."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    width = max(20, gray.shape[1] // 25)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1)))


def skew_angle(gray) -> float:
    """The page's rotation in degrees, from the horizontal rules (0 when there are none)."""
    import cv2
    import numpy as np

    rules = _rule_mask(gray)  # only long horizontal runs: Hough on every text pixel takes seconds
    lines = cv2.HoughLinesP(rules, 1, np.pi / 1800, threshold=200, minLineLength=gray.shape[1] // 3, maxLineGap=6)
    if lines is None:
        return 0.0
    angles = [np.degrees(np.arctan2(y2 - y1, x2 - x1)) for x1, y1, x2, y2 in lines.reshape(-1, 4)]
    angles = [a for a in angles if abs(a) < 3]
    return float(np.median(angles)) if angles else 0.0


def rule_positions(gray) -> list[float]:
    """y of each horizontal rule that crosses a good part of the page."""
    mask = _rule_mask(gray)
    counts = (mask > 0).sum(axis=1)
    ys = [y for y, n in enumerate(counts) if n > 0.2 * gray.shape[1]]
    out: list[float] = []
    for y in ys:
        if out and y - out[-1][-1] <= 3:
            out[-1].append(y)
        else:
            out.append([y])
    return [sum(g) / len(g) for g in out]


def _vertical_mask(gray):
    """Pixels on vertical dark runs taller than a character (table rules)."""
    import cv2

    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 12)))


def band_rules(vert, top: float, bottom: float) -> list[float]:
    """x of each vertical rule crossing the band between two horizontal rules."""
    import numpy as np

    band = vert[int(top) + 3:int(bottom) - 2]
    if band.shape[0] < 4:
        return []
    xs = np.where((band > 0).mean(axis=0) > 0.95)[0]
    out: list[list[int]] = []
    for x in xs:
        if out and x - out[-1][-1] <= 3:
            out[-1].append(int(x))
        else:
            out.append([int(x)])
    return [sum(g) / len(g) for g in out]


def table_rules(vert, rules: list[float]) -> list[list[float]]:
    """Horizontal rules grouped into tables: two rules belong to one table when vertical rules join them."""
    groups: list[list[float]] = []
    for a, b in zip(rules, rules[1:], strict=False):
        if len(band_rules(vert, a, b)) >= 2:
            if groups and groups[-1][-1] == a:
                groups[-1].append(b)
            else:
                groups.append([a, b])
    return groups


def _snap(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def despeckle(gray):
    """Dust out: dark pixels with at most one dark neighbour become paper (strokes are wider than that)."""
    import cv2
    import numpy as np

    ink = (gray < 128).astype(np.uint8)
    neighbours = cv2.boxFilter(ink, cv2.CV_16S, (3, 3), normalize=False) - ink
    out = gray.copy()
    out[(ink == 1) & (neighbours <= 1)] = 255
    return out


def _recognize(img) -> tuple[str, float]:
    """Text recognition alone (no detection) on a small image: the best reading and its score."""
    import numpy as np

    with _LOCK:
        result, _ = _engine()(np.ascontiguousarray(np.pad(img, 10, constant_values=255)),
                              use_det=False, use_cls=False, use_rec=True)
    text, score = (result or [("", 0.0)])[0]
    t = clean(str(text))
    return ("0" if t in _ZERO_LOOKALIKES else t), float(score)


def _reread(gray, x0: float, top: float, x1: float, bottom: float) -> str:
    """OCR one empty-looking cell again on its own (a lone digit is easily missed on a whole page).

    Tried as scanned, then with dust specks filtered out (a 3x3 median), on the ink's bounding box.
    """
    import cv2
    import numpy as np

    crop = np.ascontiguousarray(gray[int(top) + 3:int(bottom) - 2, int(x0) + 3:int(x1) - 2])
    if crop.size == 0:
        return ""
    clear = cv2.medianBlur(crop, 3)
    for img in (crop, despeckle(crop), clear):
        ys, xs = np.where(img < 110)
        if len(ys) < 12:
            continue
        text, score = _recognize(img[max(0, ys.min() - 4):ys.max() + 5, max(0, xs.min() - 4):xs.max() + 5])
        if score >= 0.6 and value_kind(text) == "number":
            return text
    return ""


def _has_rule(horiz, y: float, x0: float, x1: float) -> bool:
    """Whether a horizontal rule runs along y between x0 and x1 (else the cell above continues down)."""
    strip = horiz[max(0, int(y) - 3):int(y) + 4, int(x0) + 4:max(int(x0) + 5, int(x1) - 4)]
    return bool(strip.size) and float((strip > 0).any(axis=0).mean()) > 0.5


def _cell_text(gray, boxes: list[Box], x0: float, top: float, x1: float, bottom: float) -> str:
    inside = [b for b in boxes if top <= b.cy <= bottom and x0 <= (b.x0 + b.x1) / 2 <= x1]
    text = clean(join_pieces([b.text for b in sorted(inside, key=lambda b: (round(b.top / 8), b.x0))]))
    if (not text or _SPECKS.match(text) or value_kind(text) == "junk") and x1 - x0 < 0.3 * gray.shape[1]:
        text = _reread(gray, x0, top, x1, bottom) or ("" if _SPECKS.match(text) else text)
    return text


def ruled_grid(gray, vert, rules: list[float], boxes: list[Box]) -> list[list[str]]:
    """A ruled table → grid: cells between the rules of each band, spans expanded over the table's columns.

    A cell with no rule above it continues the cell of the band above (a row span): the pieces of
    text (one character per band for a vertical group label) are joined and fill every band.
    """
    horiz = _rule_mask(gray)
    bands = []
    for a, b in zip(rules, rules[1:], strict=False):
        inked = [t for t in boxes if a <= t.cy <= b]  # a stroke inside a word is no rule
        xs = [x for x in band_rules(vert, a, b) if not any(t.x0 + 2 < x < t.x1 - 2 for t in inked)]
        if len(xs) >= 2:
            bands.append((a, b, xs))
    edges = _snap([x for _, _, xs in bands for x in xs], tol=6)

    def col(x: float) -> int:
        return min(range(len(edges)), key=lambda i: abs(edges[i] - x))

    spans: list[list[tuple[int, int, int]]] = []  # each: the (band, c0, c1) slots of one printed cell
    texts: list[list[str]] = []
    open_at: dict[tuple[int, int], int] = {}  # (c0, c1) → span index reaching the previous band
    for i, (top, bottom, xs) in enumerate(bands):
        now: dict[tuple[int, int], int] = {}
        for x0, x1 in zip(xs, xs[1:], strict=False):
            c0, c1 = col(x0), max(col(x1), col(x0) + 1)
            text = _cell_text(gray, boxes, x0, top, x1, bottom)
            k = open_at.get((c0, c1))
            if k is None or _has_rule(horiz, top, x0, x1):
                k = len(spans)
                spans.append([])
                texts.append([])
            spans[k].append((i, c0, c1))
            texts[k].append(text)
            now[(c0, c1)] = k
        open_at = now
    grid = [[""] * (len(edges) - 1) for _ in bands]
    for slots, pieces in zip(spans, texts, strict=True):
        text = join_pieces(pieces)
        for i, c0, c1 in slots:
            for c in range(c0, c1):
                grid[i][c] = text
    return [row for row in grid if any(row)]


def prepare(image, name: str | None):
    """Bounded, grayscale, deskewed page as a numpy array."""
    from PIL import Image

    w, h = image.size
    if w * h > MAX_IMAGE_PIXELS:
        raise fail(name, f"the image is {w}x{h} pixels, more than a scanned page has")
    scale = min(1.0, (OCR_MAX_PIXELS / (w * h)) ** 0.5)
    original = image.convert("L")
    if scale < 1:
        original = original.resize((int(w * scale), int(h * scale)), Image.LANCZOS)
    img, angle = original, 0.0
    for _ in range(2):  # the second pass corrects what the first under-measured on a tilted page
        step = skew_angle(_gray(img))
        if abs(step) <= 0.05:
            break
        angle += step
        img = original.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return _gray(img)


def ocr_boxes(gray) -> list[Box]:
    """rapidocr's text boxes as Box (axis-aligned), low-confidence ones dropped."""
    import numpy as np

    with _LOCK:
        result, _ = _engine()(np.ascontiguousarray(gray), use_cls=False)  # pages are upright once deskewed
    boxes = []
    for quad, text, score in result or []:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        box = Box(min(xs), min(ys), max(xs), max(ys), clean(str(text)))
        if _DUSTY.search(box.text) and value_kind(box.text) == "number":
            box.text = _despeckled(gray, box) or box.text
        boxes.extend(split_numbers(box))
    return boxes


_DUSTY = re.compile(r"[.,]")  # a dust speck beside or between digits reads as a point (a minus is kept)


def _ink_only(img):
    """The bounding box of the ink, with rows that are mostly ink (a table rule) left out; None if blank."""
    import numpy as np

    ink = img < 110
    rows = np.where(ink.any(axis=1) & (ink.mean(axis=1) < 0.6))[0]
    cols = np.where(ink[rows].any(axis=0))[0] if len(rows) else rows
    if len(rows) == 0 or len(cols) == 0:
        return None
    return img[max(0, rows.min() - 3):rows.max() + 4, max(0, cols.min() - 3):cols.max() + 4]


def _despeckled(gray, box: Box) -> str:
    """A number with a point, comma or minus read again with dust filtered out: 13.4 → 134."""
    import cv2
    import numpy as np

    crop = np.ascontiguousarray(gray[int(box.top):int(box.bottom) + 1, max(0, int(box.x0) - 2):int(box.x1) + 3])
    if crop.size == 0:
        return ""
    digits = [c for c in box.text if c.isdigit()]
    for img in (despeckle(crop), cv2.medianBlur(crop, 3)):
        img = _ink_only(img)
        if img is None:
            continue
        text, score = _recognize(img)
        if score >= 0.6 and value_kind(text) == "number" and [c for c in text if c.isdigit()] == digits:
            return text
    return ""



_EDGE_PUNCT = re.compile(r"^[.:：,，·、'\"“”‘’*_~]+|[.:：,，·、'\"“”‘’*_~\-—]+$")
_LOOKS_NUMERIC = re.compile(r"^[0-9OoQDlIi|!.,]+$")
_SPECKS = re.compile(r"^[.:：,，·、'\"“”‘’*_~`^]+$")  # dust read as punctuation
_ZERO_LOOKALIKES = frozenset({"。", "o", "O", "〇", "○", "°"})  # a lone 0 in a value cell
_DIGIT_LOOKALIKES = {"O": "0", "o": "0", "Q": "0", "D": "0", "l": "1", "I": "1", "|": "1", "i": "1", "!": "1"}


def clean(text: str) -> str:
    """Specks read as punctuation around a number ('4463-', ':37', '0.') and a lone O/l read for 0/1."""
    t = text.strip()
    bare = _EDGE_PUNCT.sub("", t).strip()
    if bare in _DIGIT_LOOKALIKES:
        return _DIGIT_LOOKALIKES[bare]
    if _LOOKS_NUMERIC.match(bare) and any(c.isdigit() for c in bare):  # 'i3', '1O' inside a number
        bare = "".join(_DIGIT_LOOKALIKES.get(c, c) for c in bare)
    if bare and value_kind(bare) == "number" and value_kind(t) != "number":
        return bare
    return t


def split_numbers(box: Box) -> list[Box]:
    """One OCR box that ran over several cells ('10 1') → one box per number, x split by character offset."""
    parts = box.text.split()
    if len(parts) < 2 or not all(value_kind(clean(p)) == "number" for p in parts):
        return [box]
    width = (box.x1 - box.x0) / max(1, len(box.text))
    out, pos = [], 0
    for p in parts:
        start = box.text.index(p, pos)
        pos = start + len(p)
        out.append(Box(box.x0 + start * width, box.top, box.x0 + pos * width, box.bottom, clean(p)))
    return out


_BARE_NUMBER = re.compile(r"^[-—–－_.\s]*\d{1,3}[-—–－_.\s]*$")


def _page_number(row: list[Box], width: int) -> bool:
    """A lone short number centred on the line: a page footer whose dashes OCR dropped ('- 3 -' → '3')."""
    if len(row) != 1 or not _BARE_NUMBER.match(row[0].text):
        return False
    return abs((row[0].x0 + row[0].x1) / 2 - width / 2) < 0.1 * width


#: A speck read as a digit is much shorter than the page's digits; a box this far off its row's
#: line (a share of the digits' height) may belong to the row beside it.
SPECK_HEIGHT = 0.5
OFF_LINE = 0.25
NEAR_ROW = 0.6
MAX_DOUBTS = 12

Move = tuple[int, tuple[int, ...], int | None]  # (row, ids of the boxes moved, the row they go to; None: dropped)


def _is_count(b: Box) -> bool:
    return value_kind(b.text) == "number"


def _gap(b: Box, row: list[Box]) -> float:
    """Vertical distance from a box to a row's boxes (negative: they overlap)."""
    return max(min(x.top for x in row) - b.bottom, b.top - max(x.bottom for x in row))


def find_doubts(rows: list[list[Box]]) -> list[tuple[str, list[Move]]]:
    """Boxes OCR may have put in the wrong row: a speck read as a digit (far shorter than the digits
    around it: kept or dropped), numbers off their row's line towards the row beside it, and a row of
    numbers with no label printed between two labelled rows (each: stays, or goes to that row)."""
    heights = sorted(b.bottom - b.top for row in rows for b in row if _is_count(b))
    if not heights:
        return []
    h = heights[len(heights) // 2]
    out: list[tuple[str, list[Move]]] = []
    for i, row in enumerate(rows):
        specks = [b for b in row if _is_count(b) and b.bottom - b.top < SPECK_HEIGHT * h and len(b.text) <= 2]
        out += [(f"“{b.text}”可能是污点", [(i, (id(b),), None)]) for b in specks]
        labels = [b for b in row if not b.is_value]
        numbers = [b for b in row if _is_count(b) and b not in specks]
        groups: dict[int, list[Box]] = {}
        for j in (i - 1, i + 1):
            if not 0 <= j < len(rows) or not any(not x.is_value for x in rows[j]):
                continue
            if labels:
                line = sorted(x.cy for x in labels)[len(labels) // 2]
                toward = [b for b in numbers if (b.cy - line) * (j - i) > OFF_LINE * h and _gap(b, rows[j]) < NEAR_ROW * h]
            else:
                toward = [b for b in numbers if _gap(b, rows[j]) < NEAR_ROW * h]
            if toward:
                groups[j] = toward
        if groups:  # one doubt: the numbers stay, or go to one row beside them
            what = "、".join(dict.fromkeys(b.text for boxes in groups.values() for b in boxes))
            out.append((f"数字“{what}”在两行之间", [(i, tuple(id(b) for b in boxes), j) for j, boxes in groups.items()]))
    return out[:MAX_DOUBTS]


def loose_items(rows: list[list[Box]], width: int) -> list[Item]:
    """Rows of boxes outside ruled tables → items: runs of rows with two numbers or more are one table
    whose columns all its rows share (a blank cell keeps its place); other rows are text lines."""
    items: list[Item] = []
    block: list[list[Box]] = []

    def flush() -> None:
        if block:
            cols, n_label = columns(block, pad=6)
            items.append(Item(min(b.top for b in block[0]), grid=join_wrapped(to_grid(block, cols), n_label)))
            block.clear()

    for row in rows:
        text = join_pieces([b.text for b in sorted(row, key=lambda b: b.x0)])
        if is_footer(text) or _page_number(row, width):
            continue
        if sum(b.is_value for b in row) >= 2:
            block.append(row)
        else:
            flush()
            items.append(Item(min(b.top for b in row), cells=[text]))
    flush()
    return items


@dataclass
class ScannedPage:
    """One OCR'd page: its ruled tables as read, the other boxes in rows, and the doubts about those rows."""

    fixed: list[Item]
    rows: list[list[Box]]
    width: int
    moves: list[list[Move]] = field(default_factory=list)  # per doubt, its options after option 0 (as read)
    doubts: list[tuple[str, int]] = field(default_factory=list)

    @classmethod
    def of(cls, boxes: list[Box], width: int, fixed: list[Item] | None = None) -> ScannedPage:
        rows = rows_by_overlap(boxes)
        found = find_doubts(rows)
        return cls(fixed or [], rows, width, [m for _, m in found], [(w, len(m) + 1) for w, m in found])

    def items(self, choice: Sequence[int] = ()) -> list[Item]:
        rows = [list(r) for r in self.rows]
        for options, pick in zip(self.moves, choice, strict=False):
            if not pick:
                continue
            i, ids, to = options[pick - 1]
            moved = [b for b in rows[i] if id(b) in ids]
            rows[i] = [b for b in rows[i] if id(b) not in ids]
            if to is not None:
                rows[to] = rows[to] + moved
        return sorted(self.fixed + loose_items([r for r in rows if r], self.width), key=lambda it: it.top)


def scan_page(image, name: str | None = None) -> ScannedPage:
    """One page image → its ruled tables as grids and the rest of its boxes in rows."""
    gray = prepare(image, name)
    boxes = ocr_boxes(gray)
    rules = rule_positions(gray)
    fixed: list[Item] = []
    inside: set[int] = set()
    vert = _vertical_mask(gray)
    for group in table_rules(vert, rules):
        table = [b for b in boxes if group[0] - 2 <= b.cy <= group[-1] + 2]
        inside |= {id(b) for b in table}
        fixed.append(Item(group[0], grid=ruled_grid(gray, vert, group, table)))
    return ScannedPage.of([b for b in boxes if id(b) not in inside], gray.shape[1], fixed)


def read_image(data: bytes, name: str | None = None):
    """A PNG/JPEG scan → Document."""
    import io

    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))  # reads the header only
        w, h = image.size
        if w * h > MAX_IMAGE_PIXELS:  # before decoding: a tiny file may claim a gigapixel
            raise fail(name, f"the image is {w}x{h} pixels, more than a scanned page has")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as e:
        raise fail(name, f"unreadable image ({e})") from None
    return page_document([scan_page(image, name)], recognized=True)
