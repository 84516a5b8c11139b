"""What kind of file a payload is, from its first bytes (headers and file names lie), names only as a fallback."""

from __future__ import annotations

import io
import zipfile

KINDS = ("pdf", "docx", "xlsx", "doc", "xls", "wps", "image")
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes, filename: str | None = None, content_type: str | None = None) -> str | None:
    """One of KINDS, or None when the bytes are none of the attachment formats we read."""
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except (zipfile.BadZipFile, ValueError):
            return None
        if any(n.startswith("word/") for n in names):
            return "docx"
        if any(n.startswith("xl/") for n in names):
            return "xlsx"
        return None
    if data.startswith(_OLE2):
        ext = (filename or "").lower().rsplit(".", 1)[-1]
        if _utf16("Workbook") in data or _utf16("Book") in data[:65536] and _utf16("WordDocument") not in data:
            return "xls"
        if ext == "wps" or "wps" in (content_type or "").lower():
            return "wps"
        if _utf16("WordDocument") in data:
            return "doc"
        return {"doc": "doc", "wps": "wps", "xls": "xls"}.get(ext)
    return None
