"""A report's text stored once, compressed: `reports.text` holds zlib bytes (a BLOB) or, when that
would not be shorter, the text itself.

Report text is ~2,000 characters of Chinese (~5 KB of UTF-8) with much boilerplate. zlib is primed
with a preset dictionary, `text_dict_1.txt`: the headings, table labels and fixed sentences of the
national report formats (2019 and 2021), which every report prints. On the demo archive a text keeps
0.96 KB of 5.3 (1.8 KB without the dictionary); on the 25 real texts in ../shared/corpus 0.88 KB of
2.2 (1.15 KB without).

The dictionary is part of the stored format: a stream names it by its Adler-32 (zlib's FDICT header),
so `text_dict_1.txt` must never change. A better one is a new file, added to DICTIONARIES and used
for new writes; the old one stays to read what it wrote. Everything that reads `reports.text` goes
through `unpack_text`, which takes any of these forms (archives written before keep plain text). SQL
that needs the text calls `nianbao_text(text)` (`register_text_function`: Datasette's connections).
"""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

#: zlib level: 9 keeps no more of the demo text than 6 does.
LEVEL = 6
_HERE = Path(__file__).resolve().parent
#: The preset dictionary new texts are compressed with. Stored texts name it by its Adler-32, so its
#: bytes must never change (.gitattributes keeps git from touching its line ends): a new dictionary is a
#: new file with a new checksum added below, the old one kept for the texts already stored.
DICTIONARY = (_HERE / "text_dict_1.txt").read_bytes()
DICTIONARY_ADLER32 = 0x0DE2CFB4
if zlib.adler32(DICTIONARY) != DICTIONARY_ADLER32:
    raise RuntimeError(f"{_HERE / 'text_dict_1.txt'}: changed (Adler-32 {zlib.adler32(DICTIONARY):#010x}, "
                       f"stored texts name {DICTIONARY_ADLER32:#010x}); restore it and add a new dictionary instead")
#: Every dictionary a stored text may name, by its Adler-32.
DICTIONARIES = {DICTIONARY_ADLER32: DICTIONARY}


def pack_text(text: str | bytes | None) -> str | bytes | None:
    """What `reports.text` stores for this text: zlib bytes if shorter than the UTF-8, else the text.

    A value already packed (bytes read back from `reports.text`) is stored as it is.
    """
    if not text or isinstance(text, bytes):
        return text
    raw = text.encode("utf-8")
    packer = zlib.compressobj(LEVEL, zdict=DICTIONARY)
    packed = packer.compress(raw) + packer.flush()
    return packed if len(packed) < len(raw) else text


def unpack_text(value: str | bytes | None) -> str | None:
    """The text of a `reports.text` value, packed (with or without a dictionary) or not."""
    if not isinstance(value, bytes | bytearray | memoryview):
        return value
    data = bytes(value)
    if len(data) > 6 and data[1] & 0x20:  # FDICT: the dictionary's Adler-32 follows the header
        unpacker = zlib.decompressobj(zdict=DICTIONARIES[int.from_bytes(data[2:6], "big")])
        return (unpacker.decompress(data) + unpacker.flush()).decode("utf-8")
    return zlib.decompress(data).decode("utf-8")


def register_text_function(conn: sqlite3.Connection) -> None:
    """nianbao_text(reports.text) → the text, on this connection."""
    conn.create_function("nianbao_text", 1, unpack_text, deterministic=True)
