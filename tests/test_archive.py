"""WARC writing, revisits for repeated payloads, reading back, and torn-record repair."""

from __future__ import annotations

import gzip
import subprocess
import sys

from crawler.archive.documents import DocumentStore
from crawler.archive.warc import iter_warc_records, read_payload, repair_warc

PAGE = "<html><body><p>孟津区2023年政府信息公开工作年度报告</p></body></html>".encode()


def record(store: DocumentStore, url: str, body: bytes, **kw) -> dict:
    return store.record_exchange(
        url=url, site="demo", method="GET", request_headers=[("User-Agent", "nianbao")], request_body=b"",
        status=kw.get("status", 200),
        response_headers=kw.get("headers", [("Content-Type", "text/html; charset=utf-8")]),
        payload=body, metadata={"site": "demo"},
    )


def test_exchange_written_and_read_back(tmp_path):
    db = tmp_path / "archive.db"
    store = DocumentStore(db)
    doc = record(store, "http://127.0.0.11/a.html", PAGE, headers=[("Content-Type", "text/html"), ("ETag", '"x1"')])
    store.close()
    assert doc["is_new"] and doc["size"] == len(PAGE)
    ctype, body = read_payload(db, doc["id"])
    assert body == PAGE and ctype == "text/html"
    files = list((tmp_path / "archive").glob("*.warc.gz"))
    assert len(files) == 1
    types = [rec.rec_type for _, rec in iter_warc_records(files[0])]
    assert types == ["warcinfo", "response", "request", "metadata"]


def test_same_bytes_stored_once(tmp_path):
    store = DocumentStore(tmp_path / "archive.db")
    a = record(store, "http://127.0.0.11/a.html", PAGE)
    again = record(store, "http://127.0.0.11/a.html", PAGE)
    other = record(store, "http://127.0.0.11/b.html", PAGE)
    store.close()
    assert again["id"] == a["id"] and not again["is_new"]
    assert other["id"] != a["id"] and other["warc_offset"] == a["warc_offset"]
    (f,) = (tmp_path / "archive").glob("*.warc.gz")
    types = [rec.rec_type for _, rec in iter_warc_records(f)]
    assert types.count("response") == 1 and types.count("revisit") == 2
    rows = list(store.db.query("select count(*) n from documents"))
    assert rows[0]["n"] == 2


def test_gzip_content_encoding_is_undone_on_read(db_path):
    db = db_path
    store = DocumentStore(db)
    doc = record(store, "http://127.0.0.11/z.html", gzip.compress(PAGE),
                 headers=[("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    store.close()
    assert read_payload(db, doc["id"])[1] == PAGE


def test_validators_for_conditional_get(db_path):
    store = DocumentStore(db_path)
    record(store, "http://127.0.0.11/a.html", PAGE,
           headers=[("ETag", '"v1"'), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")])
    v = store.validators("http://127.0.0.11/a.html")
    assert v.etag == '"v1"' and v.last_modified.startswith("Mon")
    assert store.validators("http://127.0.0.11/none.html") is None
    store.close()


def test_torn_last_record_is_truncated(tmp_path):
    store = DocumentStore(tmp_path / "archive.db")
    record(store, "http://127.0.0.11/a.html", PAGE)
    record(store, "http://127.0.0.11/b.html", PAGE + b"<!-- b -->")
    store.close()
    (f,) = (tmp_path / "archive").glob("*.warc.gz")
    whole = f.read_bytes()
    f.write_bytes(whole[:-37])  # a crash in the middle of the last gzip member
    cut = repair_warc(f)
    assert 0 < cut < len(whole)
    assert [rec.rec_type for _, rec in iter_warc_records(f)][:2] == ["warcinfo", "response"]
    assert repair_warc(f) == 0
    checked = subprocess.run([sys.executable, "-m", "warcio.cli", "check", str(f)], capture_output=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_killed_writer_leaves_a_marker_and_the_next_one_repairs(tmp_path):
    """A writer killed mid-record (no close) leaves `.writing`; the next archive repairs the tail."""
    import os as _os
    import signal

    script = (
        "import os, sys\n"
        "from crawler.archive.documents import DocumentStore\n"
        "s = DocumentStore(sys.argv[1])\n"
        "for i in range(3):\n"
        "    s.record_exchange(url=f'http://127.0.0.11/{i}.html', site='x', method='GET', request_headers=[],\n"
        "        request_body=b'', status=200, response_headers=[], payload=b'x' * 1000 + bytes([i]))\n"
        "f = s.warc._fh\n"
        "f.write(b'\\x1f\\x8b\\x08\\x00torn')\n"
        "f.flush()\n"
        "os.kill(os.getpid(), 9)\n"
    )
    db = tmp_path / "archive.db"
    proc = subprocess.run([sys.executable, "-c", script, str(db)], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    archive = tmp_path / "archive"
    assert len(list(archive.glob("*.writing"))) == 1
    store = DocumentStore(db)
    (name, cut), = store.warc.recovered.items()
    assert cut == 8  # the torn gzip header and its 4 bytes
    assert not list(archive.glob("*.writing"))
    assert store.db["documents"].count == 3
    for row in store.db["documents"].rows:
        assert store.payload(row["id"])[1].startswith(b"x" * 1000)
    store.close()
    assert _os.path.getsize(archive / name) > 0


def test_repair_reads_members_across_chunk_boundaries(tmp_path):
    """Records larger than the repair's 1 MiB read size, torn in the last one."""
    import random

    store = DocumentStore(tmp_path / "archive.db")
    rng = random.Random(3)
    for i in range(4):
        store.record_exchange(url=f"http://127.0.0.11/{i}.pdf", site="x", method="GET", request_headers=[],
                              request_body=b"", status=200, response_headers=[],
                              payload=rng.randbytes(700_000))
    store.close()
    (f,) = (tmp_path / "archive").glob("*.warc.gz")
    whole = f.read_bytes()
    f.write_bytes(whole[:-100_000])
    cut = repair_warc(f)
    assert 0 < cut < 1_000_000
    assert [rec.rec_type for _, rec in iter_warc_records(f)].count("response") == 3
    assert repair_warc(f) == 0
