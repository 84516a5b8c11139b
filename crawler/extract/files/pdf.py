"""PDF → lines. Pages with a text layer are read with pdfplumber; pages whose text is garbage go to OCR.

Ruled tables come from the ruling lines (each cell's bbox, so spans are
known exactly); tables without rules from word positions (layout.py). Page
footers are dropped, and a table row that a page break cut in two is joined.
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass, field

from crawler.extract.document import Document
from crawler.extract.files.layout import Box, columns, join_wrapped, rows_by_overlap, to_grid
from crawler.extract.files.limits import MAX_IMAGE_PIXELS, MAX_OCR_PAGES, MAX_PDF_PAGES, PDF_TIME_BUDGET, fail
from crawler.extract.files.ocr import scan_page
from crawler.extract.files.pages import Flexible, Item, page_document
from crawler.extract.files.text import is_footer, join_pieces

OCR_DPI = 200
_LINES = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_PRIVATE = re.compile(r"[\ue000-\uf8ff\ufffd]")


def garbled(page) -> bool:
    """No text, or text made of unmapped glyphs ((cid:N), private-use code points): only OCR can read it."""
    chars = [c["text"] for c in page.chars if c["text"].strip()]
    if len(chars) < 10:
        return True
    bad = sum(1 for c in chars if c.startswith("(cid:") or _PRIVATE.search(c))
    return bad > 0.2 * len(chars)


def scan_dpi(page) -> float:
    """Render a scanned page at its scan's own resolution: resampling smears dust into digit-sized dots."""
    images = [im for im in page.images if im.get("srcsize") and im["x1"] - im["x0"] > 0.5 * page.width]
    if not images:
        return OCR_DPI
    im = max(images, key=lambda im: (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]))
    return min(300.0, max(120.0, im["srcsize"][0] * 72 / (im["x1"] - im["x0"])))


def render_dpi(page, name: str | None) -> float:
    """The resolution to render a page for OCR at; ExtractError when that bitmap would be bigger than a scan.

    A 418-byte PDF may declare a page 5 m square: rendered at 150 dpi that is
    a 1.6-gigapixel bitmap, allocated before any pixel count could be looked at.
    """
    dpi = scan_dpi(page)
    pixels = float(page.width) * float(page.height) * (dpi / 72) ** 2
    if pixels > MAX_IMAGE_PIXELS:
        raise fail(name, f"page {page.page_number} is {float(page.width):.0f} x {float(page.height):.0f} pt "
                         f"({pixels / 1e6:.0f} Mpx at {dpi:.0f} dpi), more than a scanned page has")
    return dpi


def _snap(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _nearest(edges: list[float], v: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - v))


def ruled_grid(cells: list[tuple], boxes: list[Box]) -> tuple[list[list[str]], set[int]]:
    """A ruled table's cell bboxes → a rectangular grid (a span's text in every slot); the boxes used."""
    xs = _snap([v for c in cells for v in (c[0], c[2])])
    ys = _snap([v for c in cells for v in (c[1], c[3])])
    grid = [[""] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    used: set[int] = set()
    for x0, top, x1, bottom in cells:
        inside = [i for i, b in enumerate(boxes)
                  if x0 <= (b.x0 + b.x1) / 2 <= x1 and top <= b.cy <= bottom and i not in used]
        used.update(inside)
        text = join_pieces([boxes[i].text for i in sorted(inside, key=lambda i: (round(boxes[i].top), boxes[i].x0))])
        for r in range(_nearest(ys, top), _nearest(ys, bottom)):
            for c in range(_nearest(xs, x0), _nearest(xs, x1)):
                grid[r][c] = text
    return [row for row in grid if any(row)], used


def _phrases(row: list[Box]) -> list[Box]:
    """Words closer than a character's height are one phrase ('2023 年' in running text is no table cell)."""
    out: list[Box] = []
    for b in sorted(row, key=lambda b: b.x0):
        last = out[-1] if out else None
        if last and b.x0 - last.x1 < 0.8 * (b.bottom - b.top):
            out[-1] = Box(last.x0, min(last.top, b.top), max(last.x1, b.x1), max(last.bottom, b.bottom),
                          join_pieces([last.text, b.text]))
        else:
            out.append(b)
    return out


def header_columns(header: list[Box], block: list[list[Box]]) -> list[tuple[float, float]]:
    """Value columns from the header printed above an unruled table: one per column heading centre.

    Without rules a blank cell leaves no trace, so a sparse row's numbers can only be placed by the
    headings they stand under. Headings over several columns (法人或其他组织) are left out.
    """
    values = [b for r in block for b in r if b.is_value]
    if not values or not header:
        return []
    labels = [r[0].x1 for r in block if not r[0].is_value]
    first_value = min(b.x0 for b in values)
    left = min(max(labels), first_value) - 4 if labels else first_value - 4  # where the label area ends
    heads = [h for h in header if h.x1 > left]
    if not heads:
        return []
    widths = sorted(h.x1 - h.x0 for h in heads)
    narrow = [h for h in heads if h.x1 - h.x0 <= 1.5 * widths[len(widths) // 2]]
    centres: list[list[float]] = []
    for c in sorted((h.x0 + h.x1) / 2 for h in narrow):
        if centres and c - centres[-1][-1] < 8:
            centres[-1].append(c)
        else:
            centres.append([c])
    mids = [sum(g) / len(g) for g in centres]
    if len(mids) < max(sum(b.is_value for b in r) for r in block):
        return []
    edges = [left] + [(a + b) / 2 for a, b in zip(mids, mids[1:], strict=False)] + [max(h.x1 for h in heads) + 40]
    return list(zip(edges, edges[1:], strict=False))


@dataclass
class Headers:
    """Header rows of unruled tables, kept across page breaks (a header may end a page, its table
    start the next)."""

    between: list[list[Box]] = field(default_factory=list)  # text rows since the last table
    header: list[Box] = field(default_factory=list)  # the header in force


def _free_items(boxes: list[Box], state: Headers | None = None) -> list[Item]:
    """Words outside ruled tables: runs of rows of a label and numbers far apart become a table.

    A row of one phrase left of the table's numbers continues it (a wrapped label); other rows are
    text lines, split into cells where the words leave a wide gap (a header row without rules),
    and such rows are remembered as the header that places the next table's numbers.
    """
    items: list[Item] = []
    rows = [_phrases(r) for r in rows_by_overlap(boxes) if not is_footer(join_pieces([b.text for b in r]))]
    block: list[list[Box]] = []
    state = state or Headers()
    between = state.between  # text rows since the last table: the next table's header, if any

    def flush() -> None:
        if not block:
            return
        heads = [b for r in between if len(r) >= 2 for b in r]
        state.header = heads or state.header  # a table continued after a blank row keeps its header
        between.clear()
        cols, n_label = columns(block, pad=4)
        by_header = header_columns(state.header, block)
        if by_header:
            cols = cols[:n_label] + by_header
        if cols:
            # Label pieces (group, subgroup, item) in one cell: without rules their columns are guesses,
            # and a blank guessed label column would read as a blank value.
            grid = [[join_pieces(r[:n_label]), *r[n_label:]] if n_label else r
                    for r in join_wrapped(to_grid(block, cols), n_label)]
        else:
            grid = [[join_pieces([b.text for b in r])] for r in block]
        items.append(Item(min(b.top for b in block[0]), grid=grid))
        block.clear()

    for row in rows:
        row.sort(key=lambda b: b.x0)
        if len(row) >= 2 and any(b.is_value for b in row):
            block.append(row)
            continue
        if block and not any(b.is_value for b in row) and \
                max(b.x1 for b in row) < min((b.x0 for r in block for b in r if b.is_value), default=0):
            block.append(row)  # label pieces only (a wrapped label, a vertical group label's character)
            continue
        if block:
            flush()
        between.append(row)
        items.append(Item(min(b.top for b in row), cells=[b.text for b in row]))
    flush()
    return items


def text_page_items(page, headers: Headers | None = None) -> list[Item]:
    """One text-layer page → its tables and text lines, top to bottom."""
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2)
    boxes = [Box(w["x0"], w["top"], w["x1"], w["bottom"], w["text"]) for w in words]
    items: list[Item] = []
    used: set[int] = set()
    for table in page.find_tables(_LINES):
        if len(table.cells) < 2:
            continue
        grid, took = ruled_grid(table.cells, [b if i not in used else Box(0, -9, 0, -9, "") for i, b in enumerate(boxes)])
        used |= took
        if grid:
            items.append(Item(table.bbox[1], grid=grid))
    items.extend(_free_items([b for i, b in enumerate(boxes) if i not in used], headers))
    return sorted(items, key=lambda it: it.top)



def read_pdf(data: bytes, name: str | None = None) -> Document:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        n_pages = len(pdf.pages)
    except Exception as e:  # pdfminer raises many types for broken or encrypted files
        reason = f"{type(e).__name__} {e} {e.__cause__ or ''}".lower()
        if "password" in reason or "encrypt" in reason or b"/Encrypt" in data[-4096:] or b"/Encrypt" in data[:4096]:
            raise fail(name, "the PDF is encrypted and needs a password") from None
        raise fail(name, f"not a readable PDF ({type(e).__name__}: {str(e)[:120]})") from None
    with pdf:
        if n_pages > MAX_PDF_PAGES:
            raise fail(name, f"the PDF has {n_pages} pages, more than the {MAX_PDF_PAGES} a report may have")
        if n_pages == 0:
            raise fail(name, "the PDF has no pages")
        pages: list[list[Item] | Flexible] = []
        ocr_done = 0
        started = time.monotonic()
        headers = Headers()
        for page in pdf.pages:
            if time.monotonic() - started > PDF_TIME_BUDGET:
                raise fail(name, f"reading took longer than {PDF_TIME_BUDGET} s (stopped at page {page.page_number})")
            try:
                text_layer = not garbled(page)
                if text_layer:
                    pages.append(text_page_items(page, headers))
            except Exception as e:  # a damaged page: say which
                raise fail(name, f"page {page.page_number} is unreadable ({type(e).__name__}: {str(e)[:120]})") from None
            if not text_layer:
                ocr_done += 1
                if ocr_done > MAX_OCR_PAGES:
                    raise fail(name, f"more than {MAX_OCR_PAGES} pages need OCR (no usable text layer)")
                dpi = render_dpi(page, name)  # checked before rendering: the bitmap is allocated first
                pages.append(scan_page(page.to_image(resolution=dpi).original, name))
            page.close()  # frees the page's parsed objects (a scanned page keeps only its OCR boxes)
    return page_document(pages, recognized=ocr_done > 0)
