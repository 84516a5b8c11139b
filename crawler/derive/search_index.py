"""The two full-text indexes of reports' title and text, contentless: they keep no copy of the text.

* `reports_fts`: FTS5 trigram over (title, text), for terms of three characters or more;
* `report_bigrams_fts`: each report's distinct characters and character pairs (detail=none), for
  one- and two-character terms, which a trigram index cannot see.

Both are `content=''`: the text is stored once, in `reports.text` (compressed, crawler/record/textstore.py),
and the indexes hold only what a MATCH needs. A contentless FTS5 table forgets a row only when told the
exact values it indexed, so:

* `search_indexed(id, digest)` lists the reports indexed, with a digest of the title and text as stored;
* plain SQL triggers on `reports` (any writer, no function needed) copy a report's old title and text into
  `search_stale` before an update changes them or a delete removes them, once per report between syncs;
* `sync_search_index` (run by install_views, after every write run) takes each stale report out of both
  indexes with those old values, then indexes every report not in `search_indexed`. If a stale copy is
  not what was indexed (a change went around the triggers, then a later one through them), both indexes
  are rebuilt from `reports` rather than told wrong values.

Writers change reports by UPDATE and DELETE (crawler/record/store.py). An `INSERT OR REPLACE` of an
indexed report deletes its row without firing the delete trigger unless `recursive_triggers` is on (it is
on every sqlite-utils connection, `open_db`; off on a raw sqlite3 one): on a raw connection that change
queues nothing, and nothing notices it until the report changes again, so no writer may do that.
"""

from __future__ import annotations

import hashlib
import sqlite3

import sqlite_utils

from crawler.record.textstore import unpack_text

TRIGRAM_SQL = "create virtual table reports_fts using fts5(title, text, content='', tokenize='trigram')"
BIGRAM_SQL = "create virtual table report_bigrams_fts using fts5(tokens, content='', detail='none')"
# Tables and triggers of the indexes before they were contentless (dropped when an archive is converted).
_OLD_TABLES = ("report_bigrams",)
_OLD_TRIGGERS = ("reports_ai", "reports_ad", "reports_au", "report_bigrams_ai", "report_bigrams_ad")
_CHANGED = "(old.title is not new.title or old.text is not new.text)"
_INDEXED = "exists (select 1 from search_indexed s where s.id = old.id)"
TRIGGERS = {
    "reports_search_stale_au": f"create trigger reports_search_stale_au before update of title, text on reports "
                               f"when {_CHANGED} and {_INDEXED} begin insert or ignore into search_stale "
                               f"(id, title, text) values (old.id, old.title, old.text); end",
    "reports_search_stale_ad": f"create trigger reports_search_stale_ad before delete on reports when {_INDEXED} "
                               f"begin insert or ignore into search_stale (id, title, text) "
                               f"values (old.id, old.title, old.text); end",
}
BATCH = 2000


def tokens_for_short_terms(*texts: str | None) -> str:
    """Distinct characters and character pairs of a text (runs of letters/digits only), space-separated.

    Indexed with FTS5's unicode61 tokenizer, a two-character term such as 复议
    is one token, so `match '"复议"'` finds every report containing it.
    """
    seen: set[str] = set()
    for text in texts:
        run = ""
        for ch in (text or "") + " ":
            if ch.isalnum():
                run += ch
                continue
            for i, c in enumerate(run):
                seen.add(c)
                if i + 1 < len(run):
                    seen.add(run[i : i + 2])
            run = ""
    return " ".join(sorted(seen))


def digest(title: str | None, text: str | bytes | None) -> bytes:
    """Of a report's title and text as stored (packed or not): what the indexes were given."""
    h = hashlib.blake2b(digest_size=12)
    for part in (title, text):
        if part is None:
            h.update(b"\x00N")
        elif isinstance(part, bytes | bytearray | memoryview):
            h.update(b"\x00B" + len(part).to_bytes(8, "big") + bytes(part))
        else:
            raw = part.encode("utf-8")
            h.update(b"\x00S" + len(raw).to_bytes(8, "big") + raw)
    return h.digest()


def _sql(conn: sqlite3.Connection, name: str) -> str:
    """The CREATE statement of `name`, spaces and case evened ('' if there is none)."""
    row = conn.execute("select sql from sqlite_master where name = ?", [name]).fetchone()
    return " ".join((row[0] or "").lower().split()) if row else ""


def _ensure(db: sqlite_utils.Database) -> bool:
    """Create the indexes, their bookkeeping and triggers; True when the indexes were made anew (empty)."""
    conn = db.conn
    fresh = _sql(conn, "reports_fts") != " ".join(TRIGRAM_SQL.lower().split()) or \
        _sql(conn, "report_bigrams_fts") != " ".join(BIGRAM_SQL.lower().split()) or \
        not _sql(conn, "search_indexed")
    if fresh:  # a new archive, or one whose indexes kept a copy of the text: start both anew
        for trig in (*_OLD_TRIGGERS, *TRIGGERS):
            conn.execute(f"drop trigger if exists {trig}")
        for table in ("reports_fts", "report_bigrams_fts", *_OLD_TABLES, "search_indexed", "search_stale"):
            conn.execute(f"drop table if exists {table}")
        conn.execute(TRIGRAM_SQL)
        conn.execute(BIGRAM_SQL)
        conn.execute("create table search_indexed (id integer primary key, digest blob)")
    conn.execute("create table if not exists search_stale (id integer primary key, title, text)")
    for name, sql in TRIGGERS.items():
        if not _sql(conn, name):
            conn.execute(sql)
    return fresh


def _add(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Index (id, title, stored text) rows in both indexes and record them as indexed."""
    trigram, bigram, indexed = [], [], []
    for rid, title, stored in rows:
        text = unpack_text(stored)
        trigram.append((rid, title, text))
        bigram.append((rid, tokens_for_short_terms(title, text)))
        indexed.append((rid, digest(title, stored)))
    conn.executemany("insert into reports_fts (rowid, title, text) values (?, ?, ?)", trigram)
    conn.executemany("insert into report_bigrams_fts (rowid, tokens) values (?, ?)", bigram)
    conn.executemany("insert into search_indexed (id, digest) values (?, ?)", indexed)


def _forget(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """Take (id, title, stored text) rows, exactly as indexed, out of both indexes."""
    for rid, title, stored in rows:
        text = unpack_text(stored)
        conn.execute("insert into reports_fts (reports_fts, rowid, title, text) values ('delete', ?, ?, ?)",
                     [rid, title, text])
        conn.execute("insert into report_bigrams_fts (report_bigrams_fts, rowid, tokens) values ('delete', ?, ?)",
                     [rid, tokens_for_short_terms(title, text)])
    conn.executemany("delete from search_indexed where id = ?", [(r[0],) for r in rows])


def _rebuild(conn: sqlite3.Connection) -> None:
    for table in ("reports_fts", "report_bigrams_fts"):
        conn.execute(f"insert into {table} ({table}) values ('delete-all')")
    conn.execute("delete from search_indexed")
    conn.execute("delete from search_stale")


def sync_search_index(db: sqlite_utils.Database) -> int:
    """Bring both indexes in step with reports' title and text; returns how many reports were (re)indexed.

    Reads only the reports that changed since the last sync (and their old values), not the whole text.
    """
    conn = db.conn
    _ensure(db)
    stale = conn.execute("select t.id, t.title, t.text, s.digest from search_stale t "
                         "join search_indexed s on s.id = t.id").fetchall()
    if any(digest(title, text) != was for _, title, text, was in stale):
        _rebuild(conn)
    else:
        _forget(conn, [r[:3] for r in stale])
        conn.execute("delete from search_stale")
    ids = [r[0] for r in conn.execute("select r.id from reports r "
                                      "where not exists (select 1 from search_indexed s where s.id = r.id)")]
    for start in range(0, len(ids), BATCH):  # a batch of texts in memory at a time, not the archive's
        chunk = ids[start:start + BATCH]
        _add(conn, conn.execute(f"select id, title, text from reports where id in ({','.join('?' * len(chunk))})",
                                chunk).fetchall())
    return len(ids)
