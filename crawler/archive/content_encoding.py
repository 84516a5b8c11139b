"""Undo Content-Encoding (gzip, deflate, br, zstd) without ever holding more than a cap.

A 10 MB gzip member may expand to 10 GB. Every archived body read back
(the 304 answered from the archive, the original served by Datasette,
re-extraction) goes through `decode_body`, so no reader inflates more than
the download cap; past it a PayloadTooLarge names the body and the cap.
"""

from __future__ import annotations

import zlib
from io import BytesIO

from crawler.exceptions import PayloadTooLarge
from crawler.settings import DOWNLOAD_MAXSIZE

CHUNK = 64 * 1024
IN_CHUNK = 16 * 1024
#: The cap on any decoded body: the same as the download cap (a bigger body was never downloaded).
MAX_DECODED_BYTES = DOWNLOAD_MAXSIZE


def content_encodings(header: str | None) -> list[str]:
    """'gzip, br' → ['gzip', 'br'] (in the order they were applied); identity dropped."""
    return [e.strip().lower() for e in (header or "").split(",") if e.strip() and e.strip().lower() != "identity"]


def _too_large(name: str, max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"{name}: decompresses to more than {max_bytes // 2**20} MB (the download cap; "
                           f"a compression bomb?)")


def _zlib(data: bytes, wbits: int, max_bytes: int, name: str) -> bytes:
    """Inflate in small steps: input fed 16 KB at a time, output taken 64 KB at a time, checked against the cap."""
    out = BytesIO()
    d = zlib.decompressobj(wbits)
    view, pos, pending = memoryview(data), 0, b""
    while True:
        if not pending:
            if pos >= len(view):
                break
            pending, pos = view[pos:pos + IN_CHUNK], pos + IN_CHUNK
        out.write(d.decompress(pending, CHUNK))
        if out.tell() > max_bytes:
            raise _too_large(name, max_bytes)
        pending = d.unconsumed_tail
        if d.eof:
            rest = d.unused_data + bytes(view[pos:])
            if not (rest and wbits > 16):  # concatenated gzip members go on; anything else after the end is junk
                break
            d, view, pos, pending = zlib.decompressobj(wbits), memoryview(rest), 0, b""
    if not d.eof:
        out.write(d.flush())
    return out.getvalue()


def _gunzip(data: bytes, max_bytes: int, name: str) -> bytes:
    return _zlib(data, 16 + zlib.MAX_WBITS, max_bytes, name)


def _inflate(data: bytes, max_bytes: int, name: str) -> bytes:
    try:
        return _zlib(data, zlib.MAX_WBITS, max_bytes, name)
    except zlib.error:  # raw deflate, as some servers send it
        return _zlib(data, -zlib.MAX_WBITS, max_bytes, name)


def _unbrotli(data: bytes, max_bytes: int, name: str) -> bytes:
    import brotli

    d = brotli.Decompressor()
    out = BytesIO()
    chunk = d.process(data, output_buffer_limit=CHUNK)
    while True:
        out.write(chunk)
        if out.tell() > max_bytes:
            raise _too_large(name, max_bytes)
        if d.is_finished() or not chunk:
            break
        chunk = d.process(b"", output_buffer_limit=CHUNK)
    return out.getvalue()


def _unzstd(data: bytes, max_bytes: int, name: str) -> bytes:
    try:
        from compression import zstd  # Python 3.14
    except ImportError:
        from backports import zstd
    out = BytesIO()
    with zstd.ZstdFile(BytesIO(data)) as f:
        while chunk := f.read(CHUNK):
            out.write(chunk)
            if out.tell() > max_bytes:
                raise _too_large(name, max_bytes)
    return out.getvalue()


_DECODERS = {"gzip": _gunzip, "x-gzip": _gunzip, "deflate": _inflate, "br": _unbrotli, "zstd": _unzstd}


def decode_body(data: bytes, content_encoding: str | None, *, name: str = "body",
                max_bytes: int = MAX_DECODED_BYTES) -> bytes:
    """The body with its Content-Encoding undone, at most `max_bytes`; PayloadTooLarge past it.

    An unknown encoding, or bytes that are not what the header says (servers lie),
    leave the body as stored.
    """
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    for enc in reversed(content_encodings(content_encoding)):
        decoder = _DECODERS.get(enc)
        if decoder is None:
            return data
        try:
            data = decoder(data, max_bytes, name)
        except PayloadTooLarge:
            raise
        except Exception:  # noqa: BLE001 - a broken or mislabelled body stays as it was stored
            return data
    return data
