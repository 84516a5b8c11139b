"""Cells stored compactly: ~176 a report, so a decade of the country is hundreds of millions of them.

`cell_values` is a WITHOUT ROWID table keyed by (report_id, key_id): the key's
text, its part/row/column and the extraction method live once in the lookup
tables `cell_keys` and `cell_methods`, and a cell's printed text (`raw`) is
kept only when it is not simply its integer value ("12" for 12.0 is implied).
A view named `cells` joins them back, so every query, export and Datasette
page sees the same columns as before (report_id, key, part, row, col, value,
raw, method).

Template keys have fixed ids (their order in crawler/schema.py), so every
archive numbers them alike; any other key gets the next id when first stored.
An archive with the older `cells` table is converted in place on open.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlite_utils

from crawler import schema

#: How a cell's raw text is stored: None when it is the integer value itself (the view prints it back);
#: this empty blob when there was none while there is a value; else the text.
_NO_RAW = b""

CELLS_VIEW = """
create view cells as
select v.report_id, k.key, k.part, k.row, k.col, v.value,
       case when v.raw is null and v.value is not null then cast(cast(v.value as integer) as text)
            when typeof(v.raw) = 'blob' then null else v.raw end as raw,
       m.method
from cell_values v join cell_keys k on k.id = v.key_id left join cell_methods m on m.id = v.method_id
"""


def template_key_ids() -> dict[str, int]:
    """Every template key with its fixed id: 2021's keys in printed order, then 2019's not already listed."""
    keys: dict[str, int] = {}
    for template in ("2021", "2019"):
        for key in schema.template_keys(template):
            keys.setdefault(key, len(keys) + 1)
    return keys


TEMPLATE_KEY_IDS = template_key_ids()


def _is_table(db: sqlite_utils.Database, name: str) -> bool:
    return bool(db.execute("select 1 from sqlite_master where type = 'table' and name = ?", [name]).fetchall())


def ensure_cell_schema(db: sqlite_utils.Database) -> None:
    """The lookup tables, `cell_values` and the `cells` view (idempotent; converts an old table).

    No index on the key alone: it would cost the writer three times the CPU of the cells themselves and
    ~1.6 KB a report. Questions across reports read the derived tables (report_cells_wide, report_facts),
    built by one ordered scan each run; the cross-report step scans for its few keys the same way.
    """
    if not _is_table(db, "cell_keys"):
        db.execute("create table cell_keys (id integer primary key, key text not null unique, "
                   "part text, row text, col text)")
        db.conn.executemany("insert into cell_keys (id, key, part, row, col) values (?, ?, ?, ?, ?)",
                            [(i, k, *schema.split_key(k)) for k, i in TEMPLATE_KEY_IDS.items()])
    if not _is_table(db, "cell_methods"):
        db.execute("create table cell_methods (id integer primary key, method text not null unique)")
    if not _is_table(db, "cell_values"):
        db.execute("create table cell_values (report_id integer not null references reports(id), "
                   "key_id integer not null references cell_keys(id), value real, raw, "
                   "method_id integer references cell_methods(id), primary key (report_id, key_id)) without rowid")
    if _is_table(db, "cells"):
        _convert_old_cells(db)
    if not db.execute("select 1 from sqlite_master where type = 'view' and name = 'cells'").fetchall():
        db.execute(CELLS_VIEW)


def _convert_old_cells(db: sqlite_utils.Database) -> None:
    """An archive written before cells were compact: its rows move to cell_values in one statement."""
    keys = {r[0] for r in db.execute("select distinct key from cells").fetchall()}
    _ids(db, "cell_keys", "key", keys - set(TEMPLATE_KEY_IDS))
    _ids(db, "cell_methods", "method", {r[0] for r in db.execute(
        "select distinct method from cells where method is not null").fetchall()})
    db.execute(f"""insert into cell_values (report_id, key_id, value, raw, method_id)
        select c.report_id, k.id, c.value,
               case when c.value is null then c.raw
                    when c.raw is null then x'{_NO_RAW.hex()}'
                    when c.value = cast(c.value as integer) and c.raw = cast(cast(c.value as integer) as text)
                         then null
                    else c.raw end,
               m.id
        from cells c join cell_keys k on k.key = c.key left join cell_methods m on m.method = c.method""")
    db.execute("drop table cells")
    if _is_table(db, "report_versions"):  # the current version's cells are now stored once, in cell_values
        db.execute("update report_versions set cells_json = null "
                   "where exists (select 1 from reports r where r.id = report_id "
                   "and r.version = report_versions.version)")


def _ids(db: sqlite_utils.Database, table: str, column: str, names: set[str]) -> dict[str, int]:
    """Ids of these names in a lookup table, adding the names it lacks."""
    if not names:
        return {}
    marks = ",".join("?" * len(names))
    found = {r[1]: r[0] for r in db.execute(f"select id, {column} from {table} where {column} in ({marks})",
                                            list(names)).fetchall()}
    for name in sorted(names - set(found)):
        extra = (*schema.split_key(name),) if table == "cell_keys" and name.count(".") == 2 else (None, None, None)
        if table == "cell_keys":
            cur = db.execute("insert into cell_keys (key, part, row, col) values (?, ?, ?, ?)", [name, *extra])
        else:
            cur = db.execute(f"insert into {table} ({column}) values (?)", [name])
        found[name] = cur.lastrowid
    return found


def insert_cells(db: sqlite_utils.Database, report_id: int, cells: Iterable[tuple[str, Any, Any, Any]]) -> None:
    """Store (key, value, raw, method) cells of one report (the caller deleted its previous ones).

    The writer stores hundreds of reports a second, ~176 cells each: one pass, no call per cell.
    """
    cells = list(cells)
    key_ids = TEMPLATE_KEY_IDS
    other = {c[0] for c in cells if c[0] not in key_ids}
    if other:
        key_ids = {**key_ids, **_ids(db, "cell_keys", "key", other)}
    method_ids = _ids(db, "cell_methods", "method", {c[3] for c in cells if c[3] is not None})
    rows = []
    for key, value, raw, method in cells:
        # the raw text is dropped when the value prints it back (the view's first case)
        if value is not None:
            if raw is None:
                raw = _NO_RAW
            elif float(value).is_integer() and raw == str(int(value)):
                raw = None
        rows.append((report_id, key_ids[key], value, raw, method_ids.get(method)))
    db.conn.executemany("insert into cell_values (report_id, key_id, value, raw, method_id) values (?, ?, ?, ?, ?)",
                        rows)


def delete_cells(db: sqlite_utils.Database, report_id: int) -> None:
    db.execute("delete from cell_values where report_id = ?", [report_id])


def current_cells(db: sqlite_utils.Database, report_id: int) -> dict[str, Any]:
    """{key: value} of a report's stored reading (a superseded version's cells_json is made from it)."""
    return {r[0]: r[1] for r in db.execute(
        "select k.key, v.value from cell_values v join cell_keys k on k.id = v.key_id where v.report_id = ?",
        [report_id]).fetchall()}
