"""The contentless search indexes follow reports' title and text, and the text is stored once, compressed.

crawler/derive/search_index.py: reports updated or deleted between two syncs leave their old values in
`search_stale` (SQL triggers), the sync takes them out of both indexes with those values and indexes
what is new; a writer that went around the triggers makes the sync rebuild both indexes.
"""

from __future__ import annotations

import asyncio
import sqlite3
import zlib

import sqlite_utils

from crawler.derive.search_index import sync_search_index
from crawler.publish import search
from crawler.publish.fixtures import build_fixture_db
from crawler.publish.serve import make_datasette
from crawler.record.store import ensure_schema
from crawler.record.textstore import pack_text, unpack_text

LONG = "本年度发生行政复议案件三件，行政诉讼两件，均已审结。" * 20


def test_text_packed_when_shorter_and_read_back_either_way():
    packed = pack_text(LONG)
    assert isinstance(packed, bytes) and len(packed) < len(LONG.encode()) // 3
    assert unpack_text(packed) == LONG
    assert pack_text("短") == "短" and unpack_text("短") == "短"  # not shorter packed: kept as text
    assert pack_text(None) is None and unpack_text(None) is None and pack_text("") == ""
    assert pack_text(packed) == packed  # a stored value stored again
    assert unpack_text(zlib.compress(LONG.encode())) == LONG  # packed without a dictionary (before it)
    assert packed[1] & 0x20 and int.from_bytes(packed[2:6], "big") == 0x0DE2CFB4


def _db() -> sqlite_utils.Database:
    db = sqlite_utils.Database(sqlite3.connect(":memory:"))
    ensure_schema(db)
    search.register_functions(db.conn)
    return db


def _add(db, rid: int, title: str, text: str | None) -> None:
    db.execute("insert into reports (id, url, title, text) values (?, ?, ?, ?)",
               [rid, f"http://x/{rid}", title, pack_text(text)])


def _found(db, query: str) -> list[int]:
    return [r[0] for r in db.execute(f"select id from reports where {search.search_sql('id')} order by id",
                                     {"search": query}).fetchall()]


def _consistent(db) -> None:
    """The contentless indexes answer as a fresh build from reports would."""
    for table in ("reports_fts", "report_bigrams_fts"):
        db.execute(f"insert into {table} ({table}, rank) values ('integrity-check', 0)")


def test_updates_and_deletes_leave_no_stale_match():
    db = _db()
    _add(db, 1, "甲区报告", LONG)
    _add(db, 2, "乙区报告", "本年度无行政诉讼。")
    _add(db, 3, "丙区报告", None)
    assert sync_search_index(db) == 3
    assert _found(db, "行政复议") == [1] and _found(db, "诉讼") == [1, 2] and _found(db, "丙区") == [3]
    assert sync_search_index(db) == 0  # nothing changed: nothing read again
    # edits: report 1 loses 复议 (twice between two syncs: the first old text is what was indexed), 2 is deleted
    db.execute("update reports set text = ? where id = 1", [pack_text("本年度无复核。")])
    db.execute("update reports set text = ?, title = '甲区新报告' where id = 1", [pack_text("本年度无事。")])
    db.execute("delete from reports where id = 2")
    db.execute("update reports set title = title where id = 3")  # unchanged: not queued
    assert db.execute("select id from search_stale order by id").fetchall() == [(1,), (2,)]
    _add(db, 4, "丁区报告", LONG)
    assert sync_search_index(db) == 2
    assert _found(db, "行政复议") == [4] and _found(db, "诉讼") == [4] and _found(db, "新报告") == [1]
    assert _found(db, "复核") == [] and _found(db, "无事") == [1]
    assert db.execute("select count(*) from search_stale").fetchone()[0] == 0
    _consistent(db)


def test_a_writer_around_the_triggers_makes_a_rebuild():
    db = _db()
    _add(db, 1, "甲区报告", LONG)
    sync_search_index(db)
    db.execute("drop trigger reports_search_stale_au")
    db.execute("update reports set text = '本年度无事。' where id = 1")
    db.execute("insert into search_stale (id, title, text) values (1, '甲区报告', 'not what was indexed')")
    assert sync_search_index(db) == 1  # rebuilt (and the trigger made again)
    assert _found(db, "行政复议") == [] and _found(db, "无事") == [1]
    assert db.execute("select count(*) from sqlite_master where name = 'reports_search_stale_au'").fetchone()[0] == 1
    _consistent(db)


def test_old_indexes_with_a_copy_of_the_text_are_replaced():
    db = _db()
    db.execute("create table report_bigrams (id integer primary key, digest text, tokens text)")
    db.execute("create virtual table reports_fts using fts5(title, text, content=reports, content_rowid='id', "
               "tokenize='trigram')")
    _add(db, 1, "甲区报告", LONG)
    sync_search_index(db)
    assert "report_bigrams" not in db.table_names()
    assert "content=''" in db.execute("select sql from sqlite_master where name = 'reports_fts'").fetchone()[0]
    assert _found(db, "行政复议 审结") == [1]


def test_datasette_shows_the_text_not_the_bytes(tmp_path):
    path = build_fixture_db(tmp_path / "archive.db")
    conn = sqlite3.connect(path)
    rid, stored = conn.execute("select id, text from reports where typeof(text) = 'blob' limit 1").fetchone()
    conn.close()
    text = unpack_text(stored)
    ds = make_datasette(path)
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(ds.invoke_startup())
        row = loop.run_until_complete(ds.client.get(f"/archive/reports/{rid}")).text
        table = loop.run_until_complete(ds.client.get("/archive/reports")).text
        sql = loop.run_until_complete(ds.client.get(
            "/archive.json", params={"sql": f"select nianbao_text(text) t from reports where id = {rid}",
                                     "_shape": "array"})).json()
    finally:
        loop.close()
    assert "Binary" not in row and "Binary" not in table
    first = text.splitlines()[0][:40]
    assert first in row and first in table
    assert sql == [{"t": text}]
