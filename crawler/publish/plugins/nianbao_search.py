"""One search for every list, bounded queries, and no SQL shown to a reader.

* `prepare_connection`: the search functions of `crawler.publish.search` on every
  connection, SQLite's length limit so that one anonymous query cannot
  build a gigabyte string or blob (`zeroblob(400000000)` is refused), and
  printf/format refused (one call can pad for minutes, out of the time limit's reach).
* `filters_from_request`: `?_search=` on every list that carries 报告编号 (and
  the raw `reports` table) keeps the reports whose title or text holds every
  term, one character or many, with the same grammar as 全文检索.
* `render_cell`: 摘要 (the matching sentence) with its hits in `<mark>`.
* `extra_template_vars`: table pages do not print the CREATE TABLE / VIEW SQL; a question's
  page keeps its SQL out of the title and offers no Edit SQL.
"""

from __future__ import annotations

import sqlite3

import markupsafe
from datasette import hookimpl
from datasette.filters import FilterArguments

from crawler.publish import search

#: Longest string or blob any query may build (bytes): far above a report's text, far below a GB.
MAX_VALUE_BYTES = 32 * 1024 * 1024
#: Longest SQL statement accepted (bytes).
MAX_SQL_BYTES = 100_000
#: Functions that can run for minutes inside one step of a query, where the time limit cannot stop
#: them: printf('%.*c', 1000000000, 'x') pads a billion characters before the length limit applies.
DENIED_FUNCTIONS = {"printf", "format"}


def _authorize(action: int, arg1, arg2, db_name, trigger) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK
SNIPPET_COLUMN = "摘要"
REPORT_ID_COLUMN = "报告编号"


@hookimpl
def prepare_connection(conn: sqlite3.Connection) -> None:
    search.register_functions(conn)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, MAX_SQL_BYTES)
    conn.set_authorizer(_authorize)


async def _id_column(datasette, database: str, table: str) -> str | None:
    """The column holding the report id, if this list is a list of reports (or of things in reports)."""
    db = datasette.get_database(database)
    if table == "reports":
        return "id"
    try:
        columns = await db.table_columns(table)
    except Exception:  # a table that is gone or not readable: no search here
        return None
    return REPORT_ID_COLUMN if REPORT_ID_COLUMN in columns else None


@hookimpl(trylast=True)  # after Datasette's own search filter, so that supports_search stays True
def filters_from_request(request, database, table, datasette):
    async def inner():
        if not table or "reports_fts" not in await datasette.get_database(database).table_names():
            return None
        column = await _id_column(datasette, database, table)
        if column is None:
            return None
        query = request.args.get("_search", "").strip()
        context = {"supports_search": True, "search": query}
        if not search.terms(query):
            return FilterArguments([], extra_context=context)
        quoted = '"' + column.replace('"', '""') + '"'
        return FilterArguments([search.search_sql_for(query, quoted)], params={"search": query},
                               human_descriptions=[f"全文含「{'」「'.join(search.terms(query))}」"],
                               extra_context=context)
    return inner


@hookimpl
def render_cell(value, column):
    if column != SNIPPET_COLUMN or not isinstance(value, str):
        return None
    html = str(markupsafe.escape(value))
    return markupsafe.Markup(html.replace(search.MARK_START, "<mark>").replace(search.MARK_END, "</mark>"))


@hookimpl
def extra_template_vars(template, request):
    """Table pages without their CREATE statement; questions without SQL in the title, no Edit SQL link."""
    if template == "table.html":
        return {"view_definition": None, "table_definition": None}
    if template.startswith("query") and request is not None and "sql" not in request.args:
        return {"query": {"sql": None}, "hide_sql": True, "edit_sql_url": None}
    return None
