"""The archive of record: every HTTP exchange as WARC records, payloads addressed by sha256.

WARC files are gzip-compressed, one record per gzip member, rotated by size,
and never appended to once closed: a new file per writer. A payload seen
before (same sha256) is written as a `revisit` record pointing at the first
copy, so the same bytes are stored once. The `documents` table says where
each payload's bytes are (file + offset of the response record).
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import logging
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.exceptions import ArchiveError

DEFAULT_MAX_WARC_BYTES = 256 * 1024 * 1024
WRITING = ".writing"  # marker beside a WARC file while a process appends to it

logger = logging.getLogger(__name__)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def warc_date(iso: str | None = None) -> str:
    """WARC-Date wants second precision UTC with a Z."""
    when = datetime.fromisoformat(iso) if iso else datetime.now(UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def archive_dir_for(db_path: str | Path) -> Path:
    """The default archive directory beside the database: `archive/` for archive.db, else `<name>-archive/`."""
    p = Path(db_path).resolve()
    return p.parent / ("archive" if p.stem == "archive" else f"{p.stem}-archive")


@dataclass
class Stored:
    """Where one payload's bytes live."""

    sha256: str
    warc_file: str  # relative to the archive directory
    warc_offset: int
    warc_length: int
    duplicate: bool  # True when the payload was already archived (a revisit was written)


class WarcArchive:
    """Appends WARC records to rotated files in one directory; thread-safe."""

    def __init__(self, directory: str | Path, max_bytes: int = DEFAULT_MAX_WARC_BYTES, fsync: bool = True):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self.fsync = fsync
        self._lock = threading.Lock()
        self._fh: io.BufferedWriter | None = None
        self._name: str | None = None
        self._serial = 0
        self._stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        self._token = uuid.uuid4().hex[:6]
        self._marker: io.TextIOWrapper | None = None
        #: Files a killed writer left with a torn last record, repaired here: {name: bytes cut}.
        self.recovered = recover_torn_files(self.directory)

    # -- files ---------------------------------------------------------------
    def _open_next(self) -> None:
        self.close()
        self._serial += 1
        self._name = f"nianbao-{self._stamp}-{self._token}-{self._serial:05d}.warc.gz"
        # The marker says "being written"; its lock says "by a live process".
        self._marker = open(self.directory / (self._name + WRITING), "w")  # noqa: SIM115
        fcntl.flock(self._marker, fcntl.LOCK_EX)
        self._fh = open(self.directory / self._name, "ab")  # noqa: SIM115 - kept open across records
        self._write_warcinfo()

    def _writer(self) -> WARCWriter:
        if self._fh is None or self._fh.tell() >= self.max_bytes:
            self._open_next()
        assert self._fh is not None
        return WARCWriter(self._fh, gzip=True)

    def _write_warcinfo(self) -> None:
        assert self._fh is not None
        w = WARCWriter(self._fh, gzip=True)
        rec = w.create_warcinfo_record(self._name, {"software": "nianbao", "format": "WARC File Format 1.1"})
        w.write_record(rec)
        self._sync()

    def _sync(self) -> None:
        assert self._fh is not None
        self._fh.flush()
        if self.fsync:
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._sync()
            self._fh.close()
            self._fh = None
        if self._marker is not None:
            os.unlink(self._marker.name)
            fcntl.flock(self._marker, fcntl.LOCK_UN)
            self._marker.close()
            self._marker = None

    # -- records -------------------------------------------------------------
    def write_exchange(
        self,
        *,
        url: str,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        payload: bytes,
        fetched_at: str,
        known: Stored | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Stored:
        """Write request, response (or revisit when `known`) and metadata records."""
        digest = sha256_hex(payload)
        date = warc_date(fetched_at)
        with self._lock:
            writer = self._writer()
            assert self._fh is not None
            reason = _reason(status)
            http_headers = StatusAndHeaders(f"{status} {reason}", _strip_transfer(response_headers),
                                            protocol="HTTP/1.1")
            if known is None:
                offset = self._fh.tell()
                rec = writer.create_warc_record(
                    url, "response", payload=io.BytesIO(payload), http_headers=http_headers,
                    warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest-SHA256": digest},
                )
                writer.write_record(rec)
                stored = Stored(digest, self._name or "", offset, self._fh.tell() - offset, False)
            else:
                rec = writer.create_revisit_record(
                    url, digest=f"sha256:{digest}", refers_to_uri=url, refers_to_date=date,
                    http_headers=http_headers,
                )
                rec.rec_headers.replace_header("WARC-Date", date)
                rec.rec_headers.add_header("WARC-Refers-To-Filename", known.warc_file)
                rec.rec_headers.add_header("WARC-Refers-To-Offset", str(known.warc_offset))
                writer.write_record(rec)
                stored = Stored(digest, known.warc_file, known.warc_offset, known.warc_length, True)
            req_line = f"{method} {_path_of(url)} HTTP/1.1"
            req = writer.create_warc_record(
                url, "request", payload=io.BytesIO(request_body),
                http_headers=StatusAndHeaders(req_line, request_headers, is_http_request=True),
                warc_headers_dict={"WARC-Date": date},
            )
            writer.write_record(req)
            if metadata:
                body = "".join(f"{k}: {v}\n" for k, v in metadata.items()).encode()
                meta = writer.create_warc_record(
                    url, "metadata", payload=io.BytesIO(body),
                    warc_content_type="application/warc-fields",
                    warc_headers_dict={"WARC-Date": date},
                )
                writer.write_record(meta)
            self._sync()
        return stored

    def write_file(self, *, url: str, payload: bytes, content_type: str, fetched_at: str,
                   known: Stored | None = None) -> Stored:
        """A local file (ingest) as a `resource` record."""
        digest = sha256_hex(payload)
        if known is not None:
            return Stored(digest, known.warc_file, known.warc_offset, known.warc_length, True)
        with self._lock:
            writer = self._writer()
            assert self._fh is not None
            offset = self._fh.tell()
            rec = writer.create_warc_record(
                url, "resource", payload=io.BytesIO(payload), warc_content_type=content_type,
                warc_headers_dict={"WARC-Date": warc_date(fetched_at), "WARC-Payload-Digest-SHA256": digest},
            )
            writer.write_record(rec)
            stored = Stored(digest, self._name or "", offset, self._fh.tell() - offset, False)
            self._sync()
        return stored


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _strip_transfer(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The payload is stored de-chunked, so a Transfer-Encoding header would lie."""
    return [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


# -- reading -------------------------------------------------------------------

def read_record_payload(path: str | Path, offset: int, max_bytes: int | None = None) -> tuple[str | None, bytes]:
    """(content type, payload bytes) of the response/resource record at `offset`.

    Content-Encoding (gzip, deflate, br) is undone, so the bytes are what the
    extractor saw, but never past `max_bytes` (default: the download cap): a
    body that would inflate further (a gzip bomb archived as served) raises
    PayloadTooLarge instead of taking the machine's memory.
    """
    from crawler.archive.content_encoding import MAX_DECODED_BYTES, decode_body

    cap = MAX_DECODED_BYTES if max_bytes is None else max_bytes
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    headers = rec.http_headers
                    ctype = headers.get_header("Content-Type") if headers else None
                    encoding = headers.get_header("Content-Encoding") if headers else None
                    raw = rec.raw_stream.read(cap + 1)
                    return ctype, decode_body(raw, encoding, name=f"{path}@{offset}", max_bytes=cap)
                if rec.rec_type == "resource":
                    raw = rec.raw_stream.read(cap + 1)  # a local file, stored as it was: only its size is capped
                    return rec.rec_headers.get_header("Content-Type"), decode_body(raw, None, max_bytes=cap,
                                                                                  name=f"{path}@{offset}")
                break
    except (OSError, ValueError) as e:
        raise ArchiveError(f"{path}@{offset}: unreadable WARC record ({e})") from e
    raise ArchiveError(f"{path}@{offset}: no response record at this offset")


def read_payload(db_path: str | Path, document_id: int, archive_dir: str | Path | None = None,
                 max_bytes: int | None = None) -> tuple[str | None, bytes]:
    """The archived bytes of one `documents` row (what Datasette serves as the original).

    Opens the database read-only, so a reader (Datasette serving it immutable)
    never creates or changes anything beside it.
    """
    uri = f"{Path(db_path).resolve().as_uri()}?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    con.row_factory = sqlite3.Row
    try:
        row = con.execute("select content_type, warc_file, warc_offset from documents where id = ?",
                          [document_id]).fetchone()
    except sqlite3.Error as e:
        raise ArchiveError(f"{db_path}: unreadable ({e})") from e
    finally:
        con.close()
    if row is None:
        raise ArchiveError(f"document {document_id}: not in {db_path}")
    directory = Path(archive_dir) if archive_dir else archive_dir_for(db_path)
    ctype, body = read_record_payload(directory / row["warc_file"], row["warc_offset"], max_bytes)
    return row["content_type"] or ctype, body


def iter_warc_records(path: str | Path):
    """Every record of a WARC file with its offset (for checks and export)."""
    with open(path, "rb") as fh:
        it = ArchiveIterator(fh)
        for rec in it:
            yield it.get_record_offset(), rec


def repair_warc(path: str | Path) -> int:
    """Truncate a torn last record (a crash mid-write); returns bytes cut (0 if whole).

    Each record is its own gzip member, so the file is valid up to the end of
    the last member that decompresses completely. Read in chunks: linear in
    the file's size whatever the number of records.
    """
    import zlib

    path = Path(path)
    size = path.stat().st_size
    good = consumed = 0
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            buf = chunk
            while buf:
                try:
                    member.decompress(buf)
                except zlib.error:
                    buf = b""
                    chunk = b""
                    break
                if member.eof:
                    rest = member.unused_data
                    consumed += len(buf) - len(rest)
                    good = consumed
                    buf = rest
                    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
                else:
                    consumed += len(buf)
                    buf = b""
            if not chunk:
                break
    cut = size - good
    if cut:
        with open(path, "r+b") as fh:
            fh.truncate(good)
    return cut


def recover_torn_files(directory: str | Path) -> dict[str, int]:
    """Repair every WARC file whose writer died mid-record (its marker is left, unlocked).

    A marker still locked belongs to a live writer (another worker) and is left alone.
    """
    recovered: dict[str, int] = {}
    for marker in sorted(Path(directory).glob("*.warc.gz" + WRITING)):
        with open(marker, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            warc = marker.with_name(marker.name[: -len(WRITING)])
            cut = repair_warc(warc) if warc.exists() else 0
            recovered[warc.name] = cut
            if cut:
                logger.warning("%s: torn last record truncated (%d bytes)", warc, cut)
            marker.unlink()
    return recovered
