"""Bytes → text: UTF-8, GB18030 (also read for GBK/GB2312) or UTF-16, detected from the bytes.

A page's meta charset is a hint that is checked, not trusted: servers and
CMS templates often declare one encoding and send another.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from crawler.exceptions import ExtractError

_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB_NAMES = {"gbk", "gb2312", "gb18030", "x-gbk", "cp936", "gb_2312-80", "euc-cn"}


def _bad_ratio(text: str) -> float:
    return text.count("\ufffd") / max(1, len(text))


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM: one byte of most pairs is zero (ASCII) or the text decodes cleanly."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def codec_name(name: str) -> str | None:
    """The codec a declared charset is read with: every GB name is read as gb18030 (its superset)."""
    name = name.strip().lower()
    if name in _GB_NAMES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _declared(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    return codec_name(m.group(1).decode("ascii", "ignore"))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def decode_bytes(data: bytes, name: str = "document") -> str:
    """The document's text. Raises ExtractError for binary or undecodable input."""
    text = _decode(data, name)
    sample = text[:20000]
    if len(_CONTROL.findall(sample)) > max(8, len(sample) // 20):
        raise ExtractError(f"{name}: binary data, not a text or HTML document")
    return text


def _decode(data: bytes, name: str) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    guess16 = _utf16_guess(data)
    if guess16:
        text = data[: len(data) // 2 * 2].decode(guess16, "replace")
        if _bad_ratio(text) < 0.05:
            return text
    if data.startswith(b"%PDF"):
        raise ExtractError(f"{name}: a PDF file that could not be read")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ExtractError(f"{name}: an Office or zip file that could not be read")
    if data.count(0) > max(8, len(data) // 100):
        raise ExtractError(f"{name}: binary data, not a text or HTML document")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _declared(data)
    if declared == "gb18030":
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    as_utf8 = data.decode("utf-8", "replace")
    if _bad_ratio(as_utf8) < 0.002:
        return as_utf8  # UTF-8 with a few damaged bytes
    order = ["gb18030", "utf-8"] if declared in (None, "gb18030", "utf-8") else [declared, "gb18030", "utf-8"]
    for enc in order:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    # Damaged bytes: the encoding that loses the least.
    candidates = []
    for enc in dict.fromkeys(order + ["utf-8", "gb18030"]):
        try:
            text = data.decode(enc, "replace")
        except LookupError:
            continue
        candidates.append((_bad_ratio(text), text))
    ratio, text = min(candidates, key=lambda c: c[0])
    if ratio < 0.02:
        return text
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        text = data.decode(best.encoding, "replace")
        if _bad_ratio(text) < 0.05:
            return text
    if ratio < 0.2:
        return text
    raise ExtractError(f"{name}: cannot decode the bytes as UTF-8, GB18030 or UTF-16")
