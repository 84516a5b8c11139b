"""Report text, stored compressed (crawler/record/textstore.py), read as text.

* `prepare_connection`: `nianbao_text(text)` in every query, for whoever wants the text in SQL.
* `render_cell`: `reports.text` shows as the text it is, cut like any other long cell on a table page
  (Datasette's `truncate_cells_html`) and whole on a row page, as Datasette shows a stored string.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

import markupsafe
from datasette import hookimpl

from crawler.record.textstore import register_text_function, unpack_text

#: The path being served (render_cell is not told whether it renders a row page or a table page).
_PATH: ContextVar[str] = ContextVar("nianbao_path", default="")
_ROW_PAGE = re.compile(r"^/[^/]+/reports/[^/]+$")


@hookimpl
def prepare_connection(conn) -> None:
    register_text_function(conn)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def remember_path(scope, receive, send):
            token = _PATH.set(scope.get("path", "") if scope.get("type") == "http" else "")
            try:
                await app(scope, receive, send)
            finally:
                _PATH.reset(token)
        return remember_path
    return wrap


@hookimpl
def render_cell(value, column, table, datasette):
    if table != "reports" or column != "text" or not isinstance(value, bytes):
        return None
    text = unpack_text(value) or ""
    limit = 0 if _ROW_PAGE.match(_PATH.get()) else datasette.setting("truncate_cells_html")
    if limit and len(text) > limit:
        text = text[:limit] + "\u2026"
    return markupsafe.escape(text)
