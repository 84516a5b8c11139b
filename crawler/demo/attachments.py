"""Reports published only as attachments: DOCX, PDF, DOC, XLSX and scans made from a gold dict.

Some demo sites publish a report as a file, as real district sites do. The
files are built from the gold (the gold format of tests (docs/schema.md names)) with the official
table layouts (merged header cells, the vertical 三、本年度办理结果 group), the
DOCX with python-docx and the rest from it with LibreOffice and poppler.
LibreOffice is slow, so every file is cached on disk under a key made from the
gold and the kind; a rebuild of the demo reads them back.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler import schema

KINDS = ("docx", "pdf", "pdf-plain", "doc", "xlsx", "xls", "scan", "png")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "pdf-plain": "application/pdf",
    "xls": "application/vnd.ms-excel",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "scan": "application/pdf",
    "png": "image/png",
}
_EXTENSIONS = {"scan": "pdf", "pdf-plain": "pdf"}
LAYOUT_VERSION = "5"  # bump when the layout changes, so cached files are rebuilt
FONT = "Noto Serif CJK SC"
SCAN_DPI = 150


def cache_dir() -> Path:
    """Where generated files are kept (NIANBAO_ATTACHMENT_CACHE, else ~/.cache/nianbao/attachments)."""
    env = os.environ.get("NIANBAO_ATTACHMENT_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "nianbao" / "attachments"


# --- layout ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """One printed cell: its text and how many grid rows/columns it covers."""

    text: str
    rows: int = 1
    cols: int = 1


Table = list[list[Span]]


def show(value: object) -> str:
    """A cell value as printed: integers plain, decimals as given, blanks empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if value != int(value) else str(int(value))
    return str(value)


def _values(cells: dict, part: str, row: str, cols: tuple[str, ...]) -> list[str]:
    return [show(cells.get(f"{part}.{row}.{c}")) for c in cols]


def proactive_table(template: str, cells: dict) -> Table:
    """Table 二: one block per 第二十条 item, a header row naming its columns, one row per row."""
    out: Table = []
    rows = schema.template_rows(template)["proactive"]
    groups: dict[str, list[schema.Row]] = {}
    for r in rows:
        groups.setdefault(r.group, []).append(r)
    for group, members in groups.items():
        out.append([Span(group, cols=4)])
        cols = members[0].columns
        widths = [1] * (len(cols) - 1) + [4 - len(cols)]
        out.append([Span("信息内容")] + [Span(schema.PROACTIVE_COLUMN_LABELS[c], cols=w) for c, w in zip(cols, widths, strict=False)])
        for r in members:
            vals = _values(cells, "proactive", r.key, r.columns)
            out.append([Span(r.label)] + [Span(v, cols=w) for v, w in zip(vals, widths, strict=False)])
    return out


def requests_table(template: str, cells: dict) -> Table:
    """Table 三: three label columns (group, subgroup, item) and the seven applicant columns."""
    rows = schema.template_rows(template)["requests"]
    out: Table = [
        [Span("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rows=3, cols=3),
         Span("申请人情况", cols=7)],
        [Span("自然人", rows=2), Span("法人或其他组织", cols=5), Span("总计", rows=2)],
        [Span(schema.REQUEST_COLUMN_LABELS[c]) for c in schema.APPLICANT_COLUMNS[1:]],
    ]
    result_rows = [r for r in rows if r.group]
    sub_counts: dict[str, int] = {}
    for r in result_rows:
        if r.group != "三、本年度办理结果":
            sub_counts[r.group] = sub_counts.get(r.group, 0) + 1
    seen: set[str] = set()
    for r in rows:
        vals = [Span(v) for v in _values(cells, "requests", r.key, r.columns)]
        if not r.group:
            out.append([Span(r.label, cols=3)] + vals)
            continue
        head = [Span("三、本年度办理结果", rows=len(result_rows))] if r is result_rows[0] else []
        if r.group == "三、本年度办理结果":
            out.append(head + [Span(r.label, cols=2)] + vals)
        else:
            sub = [] if r.group in seen else [Span(r.group, rows=sub_counts[r.group])]
            seen.add(r.group)
            out.append(head + sub + [Span(r.label)] + vals)
    return out


def appeals_table(cells: dict) -> Table:
    """Table 四: 行政复议 and the two 行政诉讼 groups side by side, fifteen values in one row."""
    labels = [schema.APPEAL_COLUMN_LABELS[c] for c in schema.APPEAL_COLUMNS]
    values = [Span(v) for r in schema.APPEALS for v in _values(cells, "appeals", r.key, r.columns)]
    return [
        [Span("行政复议", cols=5), Span("行政诉讼", cols=10)],
        [Span(t, rows=2) for t in labels] + [Span("未经复议直接起诉", cols=5), Span("复议后起诉", cols=5)],
        [Span(t) for t in labels] * 2,
        values,
    ]


def place(table: Table) -> tuple[list[tuple[int, int, Span]], int, int]:
    """Grid positions of each span (HTML rules: a span skips slots covered from above); and the size."""
    taken: set[tuple[int, int]] = set()
    out = []
    width = 0
    for r, row in enumerate(table):
        c = 0
        for span in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, span))
            for dr in range(span.rows):
                for dc in range(span.cols):
                    taken.add((r + dr, c + dc))
            c += span.cols
            width = max(width, c)
    return out, len(table), width


def sections(gold: dict) -> list[tuple[str, str | Table]]:
    """The report in order: (kind, content) with kind 'title', 'p', 'h' or 'table'."""
    cells, template = gold.get("cells", {}), gold["template"]
    agency, year = gold.get("agency") or "某区人民政府", gold.get("year")
    return [
        ("title", f"{agency}"),
        ("title", f"{year}年政府信息公开工作年度报告"),
        ("p", f"本报告由{agency}根据《中华人民共和国政府信息公开条例》编制。报告中所列数据统计期限自"
              f"{year}年1月1日起至{year}年12月31日止。"),
        ("h", "一、总体情况"),
        ("p", f"{year}年，{agency}坚持以公开为常态、不公开为例外，持续推进政务公开工作。"),
        ("h", schema.PART_LABELS["proactive"]),
        ("table", proactive_table(template, cells)),
        ("h", schema.PART_LABELS["requests"]),
        ("table", requests_table(template, cells)),
        ("h", schema.PART_LABELS["appeals"]),
        ("table", appeals_table(cells)),
        ("h", "五、存在的主要问题及改进情况"),
        ("p", "政策解读形式还不够丰富，下一步将加强培训，提升答复质量。"),
        ("h", "六、其他需要报告的事项"),
        ("p", "本年度未收取信息处理费。"),
    ]


# --- writers -----------------------------------------------------------------

_FIXED = (2024, 1, 1, 0, 0, 0)


def _stable_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps, so the same gold gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED), src.read(info.filename), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _col_widths_cm(columns: int) -> list[float]:
    if columns == 10:  # table 三: group, subgroup, item, seven values
        return [1.0, 2.0, 5.4] + [1.2] * 7
    if columns == 4:
        return [5.0, 4.0, 4.0, 4.0]
    return [17.0 / columns] * columns


def _page_numbers(paragraph) -> None:
    """'- 3 -' centred in the footer, as government documents print them (a PAGE field)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("- ")
    paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    paragraph.add_run(" -")


def make_docx(gold: dict, ruled: bool = True) -> bytes:
    """The report as a Word file: headings, paragraphs and the three template tables with merged cells.

    ``ruled=False`` leaves the tables without borders, as some reports are printed (the PDF reader
    must then find columns from word positions).
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for sec in doc.sections:
        sec.page_width, sec.page_height = Cm(21), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2)
        sec.top_margin = sec.bottom_margin = Cm(2)
    doc.core_properties.created = doc.core_properties.modified = datetime(2024, 1, 1)
    _page_numbers(doc.sections[0].footer.paragraphs[0])
    for kind, content in sections(gold):
        if kind == "table":
            assert not isinstance(content, str)
            spans, nrows, ncols = place(content)
            table = doc.add_table(rows=nrows, cols=ncols)
            table.style = "Table Grid" if ruled else "Normal Table"
            table.autofit = False
            widths = _col_widths_cm(ncols)
            for i, col in enumerate(table.columns):
                col.width = Cm(widths[i])  # the tblGrid LibreOffice lays out by
            for row in table.rows:
                for i, cell in enumerate(row.cells):
                    cell.width = Cm(widths[i])
            for r, c, span in spans:
                cell = table.cell(r, c)
                if span.rows > 1 or span.cols > 1:
                    cell = cell.merge(table.cell(r + span.rows - 1, c + span.cols - 1))
                cell.text = span.text
                for p in cell.paragraphs:
                    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    for run in p.runs:
                        run.font.size = Pt(9)
            continue
        assert isinstance(content, str)
        p = doc.add_paragraph(content)
        if kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            for run in p.runs:
                run.font.size, run.font.bold = Pt(16), True
        elif kind == "h":
            for run in p.runs:
                run.font.bold = True
    buf = io.BytesIO()
    doc.save(buf)
    return _stable_zip(buf.getvalue())


def make_xlsx(gold: dict) -> bytes:
    """The report's tables on one sheet, one after another, merged ranges as printed."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    wb = Workbook()
    ws = wb.active
    ws.title = "年报"
    r0 = 1
    for kind, content in sections(gold):
        if kind in ("title", "h"):
            assert isinstance(content, str)
            ws.cell(r0, 1, content)
            r0 += 1
        elif kind == "table":
            assert not isinstance(content, str)
            spans, nrows, _ = place(content)
            for r, c, span in spans:
                cell = ws.cell(r0 + r, c + 1, _xlsx_value(span.text))
                cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
                if span.rows > 1 or span.cols > 1:
                    ws.merge_cells(start_row=r0 + r, start_column=c + 1,
                                   end_row=r0 + r + span.rows - 1, end_column=c + span.cols)
            r0 += nrows + 1
    wb.properties.created = wb.properties.modified = datetime(2024, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


def _xlsx_value(text: str) -> str | int | float:
    """Numbers stored as numbers, as a clerk filling the sheet would."""
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _convert(data: bytes, suffix: str, target: str) -> bytes:
    from crawler.extract.files.office import convert

    return convert(data, suffix, target, name=f"demo{suffix}")


def render_pages(pdf: bytes, dpi: int = SCAN_DPI) -> list:
    """PDF pages → grayscale Pillow images (pdftoppm)."""
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="nianbao-scan-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(Path(tmp) / "p")],
                       check=True, timeout=120, capture_output=True)
        return [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]


def scanned(page, rng: random.Random):
    """One sheet as a scanner sees it: slightly rotated, a little blurred, speckled, greyish paper."""
    import numpy as np
    from PIL import Image, ImageFilter

    page = page.rotate(rng.uniform(-0.8, 0.8), resample=Image.BICUBIC, expand=False, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    pixels = np.asarray(page).copy()
    specks = np.random.default_rng(rng.randrange(2**32)).random(pixels.shape) < 0.001  # sparse dark dust
    pixels[specks] = 0
    return Image.fromarray(np.minimum(pixels.astype(np.int16) + 18, 255).astype(np.uint8))  # greyish paper


def scan_pages(pdf: bytes, seed: int) -> list:
    """Each PDF page scanned on its own."""
    rng = random.Random(seed)
    return [scanned(page, rng) for page in render_pages(pdf)]


def _scan_pdf(pages: list) -> bytes:
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI)
    return buf.getvalue()


def _stacked_png(pdf: bytes, seed: int) -> bytes:
    """The pages one under another in one long image (as sites post a report as a picture), then scanned."""
    from PIL import Image

    pages = render_pages(pdf)
    width = max(p.width for p in pages)
    sheet = Image.new("L", (width, sum(p.height for p in pages)), 255)
    y = 0
    for p in pages:
        sheet.paste(p, (0, y))
        y += p.height
    buf = io.BytesIO()
    scanned(sheet, random.Random(seed)).save(buf, "PNG", optimize=True)
    return buf.getvalue()


# --- entry point ---------------------------------------------------------------


def _key(gold: dict, kind: str) -> str:
    blob = json.dumps({k: gold.get(k) for k in ("template", "year", "agency", "cells")},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{LAYOUT_VERSION}|{kind}|{blob}".encode()).hexdigest()[:24]


def _build(gold: dict, kind: str) -> bytes:
    if kind == "docx":
        return make_docx(gold)
    if kind == "xlsx":
        return make_xlsx(gold)
    if kind == "pdf":
        return _convert(_cached(gold, "docx"), ".docx", "pdf")
    if kind == "pdf-plain":
        return _convert(make_docx(gold, ruled=False), ".docx", "pdf")
    if kind == "xls":
        return _convert(_cached(gold, "xlsx"), ".xlsx", "xls")
    if kind == "doc":
        return _convert(_cached(gold, "docx"), ".docx", "doc")
    seed = int(_key(gold, "seed")[:8], 16)
    if kind == "png":
        return _stacked_png(_cached(gold, "pdf"), seed)
    return _scan_pdf(scan_pages(_cached(gold, "pdf"), seed))


def _cached(gold: dict, kind: str) -> bytes:
    path = cache_dir() / f"{_key(gold, kind)}.{_EXTENSIONS.get(kind, kind)}"
    if path.exists():
        return path.read_bytes()
    data = _build(gold, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return data


def make_attachment(gold: dict, kind: str) -> tuple[bytes, str, str]:
    """(bytes, filename, content type) of the report in ``kind`` (one of KINDS); cached on disk."""
    if kind not in KINDS:
        raise ValueError(f"unknown attachment kind {kind!r}; one of {', '.join(KINDS)}")
    ext = _EXTENSIONS.get(kind, kind)
    name = f"{gold.get('year')}年政府信息公开工作年度报告{'（扫描件）' if kind in ('scan', 'png') else ''}.{ext}"
    return _cached(gold, kind), name, CONTENT_TYPES[kind]
