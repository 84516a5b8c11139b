"""The `documents` table beside the WARC files: one row per (url, payload).

`DocumentStore` is the one place that decides whether a fetched payload is
new (write a response record) or known (write a revisit record), and that
answers the conditional-GET validators of a URL.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from crawler.archive.warc import Stored, WarcArchive, archive_dir_for, read_record_payload, sha256_hex
from crawler.record.store import open_db, utcnow, write_transaction


def open_document_store(settings) -> DocumentStore:
    """The store the archive middleware writes through, chosen by NIANBAO_DOCUMENT_STORE.

    Default: archive.db's documents table (NIANBAO_DB). A fleet worker, which
    must not open archive.db, names a class whose `from_settings` builds it
    (crawler.fleet.sink.StreamDocumentStore).
    """
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.misc import load_object

    if settings.get("NIANBAO_DOCUMENT_STORE"):
        return load_object(settings["NIANBAO_DOCUMENT_STORE"]).from_settings(settings)
    db = settings.get("NIANBAO_DB")
    if not db:
        raise NotConfigured("NIANBAO_DB is not set")
    return DocumentStore.shared(
        db, settings.get("NIANBAO_ARCHIVE_DIR"),
        max_warc_bytes=settings.getint("NIANBAO_WARC_MAX_BYTES") or None,
        fsync=settings.getbool("NIANBAO_WARC_FSYNC", True),
    )

_shared: dict[tuple[str, str], DocumentStore] = {}
_shared_lock = threading.Lock()


@dataclass
class Validators:
    etag: str | None
    last_modified: str | None
    document_id: int


class DocumentStore:
    """archive.db's documents table plus the WARC directory, for one process."""

    def __init__(self, db_path: str | Path, archive_dir: str | Path | None = None,
                 max_warc_bytes: int | None = None, fsync: bool = True):
        self.db_path = str(db_path)
        self.db: sqlite_utils.Database = open_db(db_path)
        self.archive_dir = Path(archive_dir) if archive_dir else archive_dir_for(db_path)
        kwargs = {"fsync": fsync}
        if max_warc_bytes:
            kwargs["max_bytes"] = max_warc_bytes
        self.warc = WarcArchive(self.archive_dir, **kwargs)

    @classmethod
    def shared(cls, db_path: str | Path, archive_dir: str | Path | None = None, **kw) -> DocumentStore:
        """One store per (db, archive dir) per process, shared by middleware and pipelines."""
        key = (str(Path(db_path).resolve()), str(archive_dir or ""))
        with _shared_lock:
            if key not in _shared:
                _shared[key] = cls(db_path, archive_dir, **kw)
            return _shared[key]

    @classmethod
    def close_shared(cls) -> None:
        with _shared_lock:
            for store in _shared.values():
                store.close()
            _shared.clear()

    def close(self) -> None:
        self.warc.close()

    # -- lookups -------------------------------------------------------------
    def known_payload(self, sha256: str) -> Stored | None:
        rows = list(self.db.query(
            "select warc_file, warc_offset, warc_length from documents where sha256 = ? order by id limit 1",
            [sha256]))
        if not rows:
            return None
        r = rows[0]
        return Stored(sha256, r["warc_file"], r["warc_offset"], r["warc_length"], True)

    def validators(self, url: str) -> Validators | None:
        """ETag / Last-Modified of the latest successful fetch of `url`."""
        rows = list(self.db.query(
            "select id, etag, last_modified from documents where url = ? and status = 200 "
            "order by last_fetched_at desc, id desc limit 1", [url]))
        if not rows or not (rows[0]["etag"] or rows[0]["last_modified"]):
            return None
        r = rows[0]
        return Validators(r["etag"], r["last_modified"], r["id"])

    def payload(self, document_id: int, max_bytes: int | None = None) -> tuple[str | None, bytes]:
        """The archived body, Content-Encoding undone within `max_bytes` (default: the download cap)."""
        row = self.db["documents"].get(document_id)
        ctype, body = read_record_payload(self.archive_dir / row["warc_file"], row["warc_offset"], max_bytes)
        return row["content_type"] or ctype, body

    # -- writes --------------------------------------------------------------
    def record_exchange(
        self,
        *,
        url: str,
        site: str | None,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        response_headers: list[tuple[str, str]],
        payload: bytes,
        fetched_at: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> dict:
        """Archive one HTTP exchange; returns its documents row (existing or new)."""
        fetched_at = fetched_at or utcnow()
        digest = sha256_hex(payload)
        known = self.known_payload(digest)
        stored = self.warc.write_exchange(
            url=url, method=method, request_headers=request_headers, request_body=request_body,
            status=status, response_headers=response_headers, payload=payload, fetched_at=fetched_at,
            known=known, metadata=metadata,
        )
        headers = {k.lower(): v for k, v in response_headers}
        return self._upsert_document(
            url=url, site=site, source="http", status=status, fetched_at=fetched_at,
            content_type=headers.get("content-type"), payload=payload, stored=stored,
            etag=headers.get("etag"), last_modified=headers.get("last-modified"),
        )

    def record_file(self, *, url: str, payload: bytes, content_type: str, fetched_at: str | None = None
                    ) -> dict:
        """Archive a local file (ingest) as a `file:` document."""
        fetched_at = fetched_at or utcnow()
        digest = sha256_hex(payload)
        stored = self.warc.write_file(url=url, payload=payload, content_type=content_type,
                                      fetched_at=fetched_at, known=self.known_payload(digest))
        return self._upsert_document(url=url, site=None, source="file", status=200, fetched_at=fetched_at,
                                     content_type=content_type, payload=payload, stored=stored)

    def add_document(self, *, url: str, site: str | None, source: str, status: int, fetched_at: str,
                     content_type: str | None, size: int, stored: Stored, etag: str | None = None,
                     last_modified: str | None = None) -> dict:
        """The row of a payload archived elsewhere (a fleet worker's WARC file): no bytes here."""
        return self._upsert_document(url=url, site=site, source=source, status=status, fetched_at=fetched_at,
                                     content_type=content_type, payload=b"", size=size, stored=stored,
                                     etag=etag, last_modified=last_modified)

    def touch(self, document_id: int, fetched_at: str | None = None) -> None:
        """A 304 answer: the document was seen again, unchanged."""
        with write_transaction(self.db):
            self.db["documents"].update(document_id, {"last_fetched_at": fetched_at or utcnow()})

    def _upsert_document(self, *, url: str, site: str | None, source: str, status: int, fetched_at: str,
                         content_type: str | None, payload: bytes, stored: Stored,
                         etag: str | None = None, last_modified: str | None = None,
                         size: int | None = None) -> dict:
        with write_transaction(self.db):
            rows = list(self.db.query("select * from documents where url = ? and sha256 = ?",
                                      [url, stored.sha256]))
            if rows:
                row = rows[0]
                update = {"last_fetched_at": fetched_at, "status": status}
                if etag or last_modified:
                    update |= {"etag": etag, "last_modified": last_modified}
                self.db["documents"].update(row["id"], update)
                return {**row, **update, "is_new": False}
            row = {
                "url": url, "source": source, "site": site, "fetched_at": fetched_at,
                "last_fetched_at": fetched_at, "status": status, "content_type": content_type,
                "sha256": stored.sha256, "size": len(payload) if size is None else size, "warc_file": stored.warc_file,
                "warc_offset": stored.warc_offset, "warc_length": stored.warc_length,
                "etag": etag, "last_modified": last_modified,
            }
            row["id"] = self.db["documents"].insert(row).last_pk
        return {**row, "is_new": True}
