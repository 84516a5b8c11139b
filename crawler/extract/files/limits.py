"""Bounds on what one attachment may cost, so a hostile or broken file fails fast instead of hanging a crawl."""

from __future__ import annotations

from crawler.exceptions import ExtractError

MAX_FILE_BYTES = 60 * 1024 * 1024  # a report attachment is a few MB at most
MAX_PDF_PAGES = 60  # real reports run 5-30 pages; 200-page files are something else
MAX_OCR_PAGES = 12  # OCR costs seconds per page on a small machine
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a DOCX/XLSX expands ~10x; more is a zip bomb
MAX_ZIP_RATIO = 200  # one member compressing better than this is a zip bomb
MAX_IMAGE_PIXELS = 60_000_000  # ~ A4 at 600 dpi
OCR_MAX_PIXELS = 12_000_000  # larger images are scaled down before OCR (A4 at 300 dpi is 8.7 Mpx)
MAX_SHEET_CELLS = 200_000  # rows x columns of one spreadsheet
MAX_PART_XML_BYTES = 16 * 1024 * 1024  # one DOCX/XLSX XML part: a long report's document.xml is 1-3 MB
PDF_TIME_BUDGET = 300  # seconds for one PDF, OCR included; checked between pages
CONVERT_TIMEOUT = 120  # seconds for one LibreOffice conversion


def fail(name: str | None, reason: str) -> ExtractError:
    """An ExtractError whose message names the file and the reason."""
    return ExtractError(f"{name or '<attachment>'}: {reason}")
