"""A report's text stored once, compressed: `reports.text` holds zlib bytes (a BLOB) or, when that
would not be shorter, the text itself.

Report text is ~2,000 characters of Chinese (~5 KB of UTF-8) with much boilerplate; zlib keeps a
third of it. Everything that reads `reports.text` goes through `unpack_text`, which takes either
form (archives written before this keep plain text). SQL that needs the text calls
`nianbao_text(text)` (registered by `register_text_function`: Datasette, the store's connections).
"""

from __future__ import annotations

import sqlite3
import zlib

#: zlib level: 9 keeps no more of the demo text than 6 does.
LEVEL = 6


def pack_text(text: str | bytes | None) -> str | bytes | None:
    """What `reports.text` stores for this text: zlib bytes if shorter than the UTF-8, else the text.

    A value already packed (bytes read back from `reports.text`) is stored as it is.
    """
    if not text or isinstance(text, bytes):
        return text
    raw = text.encode("utf-8")
    packed = zlib.compress(raw, LEVEL)
    return packed if len(packed) < len(raw) else text


def unpack_text(value: str | bytes | None) -> str | None:
    """The text of a `reports.text` value, packed or not."""
    if isinstance(value, bytes | bytearray | memoryview):
        return zlib.decompress(bytes(value)).decode("utf-8")
    return value


def register_text_function(conn: sqlite3.Connection) -> None:
    """nianbao_text(reports.text) → the text, on this connection."""
    conn.create_function("nianbao_text", 1, unpack_text, deterministic=True)
