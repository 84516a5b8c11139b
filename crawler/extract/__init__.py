"""Document bytes → Report: metadata, canonical cells, their raw text and how each was read.

Layers (docs/architecture.md):
1. decode (decode.py; traditional characters → simplified, simplify.py;
   zero-width characters dropped) and split into lines of cells: HTML tables
   become grids with spans expanded (htmldoc.py, grid.py), text renderings
   become cells (textdoc.py);
2. and 3. the token walker reads rows by label, pairing labels and numbers in
   order where a rendering scattered them (tokens.py, labels.py, tables.py);
4. counts stated in sentences fill rows of a table the document does not print (prose.py).
Template and year come from the document itself (meta.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler import schema
from crawler.exceptions import ExtractError
from crawler.extract.checks import check_report
from crawler.extract.decode import decode_bytes
from crawler.extract.document import Document
from crawler.extract.htmldoc import MAX_TABLES, html_document, looks_like_html, too_many_tables
from crawler.extract.meta import (
    detect_template,
    find_agency,
    find_published,
    find_title,
    find_year,
    looks_like_report,
    strip_site_name,
    template_marks,
)
from crawler.extract.model import Report
from crawler.extract.prose import read_prose
from crawler.extract.settle import settle
from crawler.extract.simplify import to_simplified
from crawler.extract.tables import Reading, read_tables
from crawler.extract.textdoc import text_document
from crawler.extract.tokens import tokenize
from crawler.extract.values import drop_invisible
from crawler.schema import DECIMAL_CELLS

__all__ = ["extract_bytes", "extract_document", "extract_path"]

_HTML_NAMES = re.compile(r"\.(?:s?html?|jhtml|xhtml|php|jsp|aspx?)$", re.I)
_SOURCE = re.compile(r"(?:来源|信息来源|发布机构|发布单位)\s*[:：]\s*([^\s:：|，,。]{2,30})")


def extract_path(path: str | Path) -> Report:
    """Read one file and extract it; a missing or unreadable file is an ExtractError."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ExtractError(f"{p}: cannot read the file ({e.strerror or e})") from e
    return extract_bytes(data, filename=str(p))


def extract_bytes(data: bytes, *, filename: str | None = None, content_type: str | None = None,
                  url: str | None = None) -> Report:
    """Extract one document. A page that is not a report gives template None and no cells."""
    name = filename or url or "document"
    if not data or not data.strip():
        raise ExtractError(f"{name}: empty document")
    try:
        return _extract(data, name, filename, content_type, url)
    except ExtractError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, LookupError, AttributeError) as e:
        raise ExtractError(f"{name}: unreadable document ({type(e).__name__}: {e})") from e


def extract_document(doc: Document) -> Report:
    """A document a reader has already laid out as lines (an attachment's Document) → Report."""
    return _read(doc, doc, doc.url)


def _is_html(text: str, filename: str | None, content_type: str | None) -> bool:
    if content_type and "html" in content_type.lower():
        return True
    if filename and _HTML_NAMES.search(filename):
        return True
    return looks_like_html(text)


def _documents(text: str, html: bool, url: str | None) -> tuple[Document, Document]:
    if html:
        return html_document(text, url)
    doc = text_document(text)
    doc.url = url or doc.url
    return doc, doc


def _cells(body: Document, page: Document, template: str) -> Reading:
    reading = settle(body, template, lambda lines: read_tables(tokenize(lines), template))
    if not reading.cells and page is not body:
        reading = read_tables(tokenize(page.ready().lines), template)
    prose = read_prose(body.text())
    given_rows = {k.rsplit(".", 1)[0] for k in reading.cells}
    for key, (value, words) in prose.items():
        if key.split(".", 1)[0] in reading.parts_seen:
            continue  # the table is printed: its cells are the table's, read or left missing, never the narrative's
        if key.rsplit(".", 1)[0] not in given_rows and key not in reading.cells:
            reading.cells[key] = value
            reading.raw[key] = words
            reading.method[key] = "prose"
    return reading


def repair_recognized_counts(cells: dict, raw: dict) -> None:
    """OCR reads a speck beside a digit as a point or a minus (95 → 9.5, 3 → -3). A count has neither,
    so in a count cell the digits as read are kept and the speck dropped; the raw reading stays."""
    for key, value in cells.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or key in DECIMAL_CELLS:
            continue
        if isinstance(value, float):
            digits = re.sub(r"\D", "", str(raw.get(key) or f"{abs(value):g}"))
            if not digits:
                continue
            value = int(digits) * (1 if value >= 0 else -1)
        if value < 0 and not key.endswith(".change"):
            value = -value
        cells[key] = value


def _agency(title: str | None, body: Document, body_text: str, page: Document) -> str | None:
    """From the title or text; the chrome's source (meta ContentSource, 来源/发布机构) completes or replaces it."""
    named = find_agency(title, body_text)
    sources = [body.agency] if body.agency else []
    if not named and not sources:
        sources += [m.group(1) for m in _SOURCE.finditer(page.text()[:20000])]
    for source in sources:
        if named and source == named + "人民政府":
            return source  # titles drop 人民政府 from a town's or county's name
    return named or (sources[0] if sources else None)


def _read(body: Document, page: Document, url: str | None) -> Report:
    """Metadata, template and cells of one body (the article container, or the whole page)."""
    body_text = body.text()
    body_lines = [line.cells[0] if len(line.cells) == 1 else " ".join(line.cells) for line in body.lines]
    title = body.title or find_title(body_lines) or find_title([body.heading or ""]) or body.heading
    if not title and page is not body:
        title = find_title([" ".join(line.cells) for line in page.ready().lines])
    title = strip_site_name(title)  # '…年度报告-某某区人民政府': the site's name is not the title's
    year = find_year(title, body_text)
    marks = template_marks(body_text)
    report = Report(title=title, year=year, text=body_text)
    report.agency = _agency(title, body, body_text, page)
    report.published, report.published_source = body.published, body.published_source
    if not report.published:
        report.published, report.published_source = find_published(page.text(), url or body.url)
    if not (marks or looks_like_report(title, body_text)):
        return report  # not a report: metadata only
    template = detect_template(year, marks)
    if template is None:
        return report
    report.template = template
    if template == "legacy":
        return report
    reading = _cells(body, page, template)
    if body.recognized:
        repair_recognized_counts(reading.cells, reading.raw)
    report.cells, report.raw, report.method = reading.cells, reading.raw, reading.method
    report.findings = check_report(report.cells, template)
    report.needs_review = review_reason(reading.review, report, body.recognized)
    return report


#: Ways of reading a cell that are not its own label's row in a grid or a printed line.
_UNSURE = ("-order", "prose")


def rule_cells(rule: str, key: str, template: str) -> list[str]:
    """The cells a broken rule relates (Finding.key names the column, row or group it was checked on)."""
    part, row, col = key.split(".")
    if rule == "1":
        return [f"requests.{r}.{col}" for r in ("new_received", "carried_over", "results_total", "carried_forward")]
    if rule == "3":
        results = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
        return [f"requests.{r}.{col}" for r in (*results, "results_total")]
    if rule == "2":
        return [f"requests.{row}.{c}" for c in schema.REQUEST_COLUMNS]
    if rule == "4":
        return [f"appeals.{row}.{c}" for c in schema.APPEAL_COLUMNS]
    return []


def review_reason(notes: list[str], report: Report, recognized: bool) -> str | None:
    """Why a report needs a look, or None.

    Cells left missing because their run could be cut several ways are always named. A broken
    rule is named only when the reading could explain it: text read by OCR, a cell the rule relates
    placed by the order of rows rather than beside its own label, or one not read at all. Where
    every cell a rule relates was read on its own row, the break is the source's own and stands as
    a finding, not as a doubt about the reading.
    """
    reasons = list(dict.fromkeys(notes))
    doubtful = 0
    for finding in report.findings:
        keys = rule_cells(finding.rule, finding.key, report.template or "2021")
        if recognized or any(k not in report.cells or (report.method.get(k) or "").endswith(_UNSURE) for k in keys):
            doubtful += 1
    if doubtful:
        how = "文字经OCR识别" if recognized else "所涉单元格有未读出或按行序推定的"
        reasons.append(f"{doubtful}处不合勾稽关系，且{how}")
    return "；".join(reasons) or None


def _extract(data: bytes, name: str, filename: str | None, content_type: str | None, url: str | None) -> Report:
    # Attachments (PDF, Word, WPS, Excel, scans) are read by crawler.extract.files; None means "not one".
    from crawler.extract.files import read_file

    attachment = read_file(data, filename or name, content_type)
    if attachment is not None:
        attachment.url = url
        body = page = attachment
    else:
        text = drop_invisible(to_simplified(decode_bytes(data, name)))
        html = _is_html(text, filename, content_type)
        if html and (tables := too_many_tables(text)):
            raise ExtractError(f"{name}: {tables:,} tables, more than a page holds (at most {MAX_TABLES:,})")
        body, page = _documents(text, html, url)
    report = _read(body, page, url)
    if report.template in ("2019", "2021") and not report.cells and page is not body:
        whole = _read(page.ready(), page, url)  # the container guessed wrong: the tables sit elsewhere
        if whole.cells:
            report = whole
    return report
