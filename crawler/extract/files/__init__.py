"""Report attachments (PDF, DOCX, DOC, WPS, XLSX, XLS, scans) → the same Document the HTML path builds.

``read_file`` sniffs the format from the bytes, reads it with the module for
that format, and returns lines of cells (tables as grids, spans expanded) and
text lines; the label layer (crawler.extract) turns them into cells. Every
reader is bounded (limits.py); unreadable input raises ExtractError naming
the file and the reason.
"""

from __future__ import annotations

import io
import zipfile

from crawler.exceptions import ExtractError
from crawler.extract.document import Document
from crawler.extract.files.limits import (
    MAX_FILE_BYTES,
    MAX_PART_XML_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_RATIO,
    fail,
)
from crawler.extract.files.sniff import sniff

__all__ = ["read_file", "sniff"]


def check_zip(data: bytes, name: str | None) -> None:
    """Refuse zip bombs before any library inflates the file."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError) as e:
        raise fail(name, f"broken zip container ({e})") from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES:
        raise fail(name, f"expands to {total // 2**20} MB, more than {MAX_UNZIPPED_BYTES // 2**20} MB (zip bomb?)")
    for i in infos:
        if i.file_size > 2**20 and i.file_size > MAX_ZIP_RATIO * max(1, i.compress_size):
            raise fail(name, f"member {i.filename} is compressed {i.file_size // max(1, i.compress_size)}:1 (zip bomb?)")
        # Every XML part is parsed whole into a tree (about ten times its size); Python's zipfile reads no
        # more than the size declared, so the check holds even when the header lies.
        if i.filename.lower().endswith(".xml") and i.file_size > MAX_PART_XML_BYTES:
            raise fail(name, f"part {i.filename} is {i.file_size // 2**20} MB of XML, more than a report holds "
                             f"(at most {MAX_PART_XML_BYTES // 2**20} MB)")


def _read(kind: str, data: bytes, name: str | None) -> Document:
    if kind == "pdf":
        from crawler.extract.files.pdf import read_pdf

        return read_pdf(data, name)
    if kind == "image":
        from crawler.extract.files.ocr import read_image

        return read_image(data, name)
    if kind in ("doc", "wps", "xls"):
        from crawler.extract.files.office import convert

        target = "xlsx" if kind == "xls" else "docx"
        data = convert(data, f".{kind}", target, name)
        kind = target
    check_zip(data, name)
    if kind == "docx":
        from crawler.extract.files.word import read_docx

        return read_docx(data)
    from crawler.extract.files.sheet import read_xlsx

    return read_xlsx(data, name)


def read_file(data: bytes, filename: str | None = None, content_type: str | None = None) -> Document | None:
    """The attachment as a Document, or None when the bytes are not PDF, Word, WPS, Excel or PNG/JPEG."""
    kind = sniff(data, filename, content_type)
    if kind is None:
        return None
    if len(data) > MAX_FILE_BYTES:
        raise fail(filename, f"{len(data) // 2**20} MB is more than a report attachment may be")
    try:
        return _read(kind, data, filename)
    except ExtractError:
        raise
    except MemoryError:
        raise fail(filename, f"ran out of memory reading the {kind} file") from None
    except Exception as e:  # a library choking on a broken file is a bad file, not a crash
        raise fail(filename, f"unreadable {kind} file ({type(e).__name__}: {str(e)[:160]})") from None
