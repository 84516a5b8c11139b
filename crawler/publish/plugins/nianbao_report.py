"""The report page, the cell page and the original with a cell's figure marked.

* `/-/report/<id>`: one report to read (crawler/publish/report_page.py,
  templates/report.html); every number links to its cell page.
* `/-/report/<id>/cell/<key>`: the cell, its labels, the text printed, the
  findings on it, and a link to the original with the figure marked.
* `/-/report/<id>/cell/<key>/original`: the archived original (sandboxed,
  as /-/original/<id>) scrolled to the printed figure, marked
  (crawler/publish/locate.py); `.../marked` serves the marked bytes.
* 报告编号 everywhere links to the report page (render_cell); the raw
  `reports` row page keeps its link to it (templates/row.html).
"""

from __future__ import annotations

import asyncio
import re

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from crawler.publish.locate import MARK_ID, mark_html, mark_text
from crawler.publish.plugins.nianbao_links import INLINE_TYPES, PAGE_CSP, RAW_CSP, _archive_db
from crawler.publish.report_page import cell_context, report_context

_KEY = re.compile(r"^(proactive|requests|appeals)\.[a-z_]+\.[a-z_]+$")


async def _context(datasette, fn, *args):
    db = _archive_db(datasette)
    return db, await db.execute_fn(lambda conn: fn(conn, *args))


async def report_view(request, datasette):
    report_id = int(request.url_vars["report_id"])
    db, ctx = await _context(datasette, report_context, report_id)
    if ctx is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    body = await datasette.render_template("report.html", {**ctx, "database": db.name}, request=request)
    return Response.html(body, headers={"Content-Security-Policy": PAGE_CSP})


def _key(request) -> str:
    key = request.url_vars["key"]
    if not _KEY.match(key):
        raise NotFound(f"没有这个单元格：{key}")
    return key


async def cell_view(request, datasette):
    report_id, key = int(request.url_vars["report_id"]), _key(request)
    db, ctx = await _context(datasette, cell_context, report_id, key)
    if ctx is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    body = await datasette.render_template("cell.html", {**ctx, "database": db.name}, request=request)
    return Response.html(body, headers={"Content-Security-Policy": PAGE_CSP})


async def _marked(datasette, report_id: int, key: str):
    """(db, cell context, document row, content type, Located or None) for a cell's original."""
    from crawler.archive.warc import read_payload
    from crawler.extract.decode import decode_bytes

    db, ctx = await _context(datasette, cell_context, report_id, key)
    if ctx is None:
        raise NotFound(f"没有编号为 {report_id} 的报告")
    report = ctx["report"]
    doc_id = report.get("source_document_id") or report.get("document_id")
    if not doc_id:
        raise NotFound("这份报告没有存档原件")
    doc = dict((await db.execute("select * from documents where id = ?", [doc_id])).rows[0])
    ctype = (doc.get("content_type") or "").split(";")[0].strip().lower()
    cell = ctx["cell"] or {}
    value, raw = cell.get("value"), cell.get("raw")
    template = report.get("template") or ""
    if ctype in INLINE_TYPES:
        try:
            _, payload = await asyncio.to_thread(read_payload, db.path, doc_id)
        except Exception as e:  # a missing WARC file is a 404 to the reader
            raise NotFound(f"存档原件 {doc_id} 无法读取：{e}") from e
        located = await asyncio.to_thread(mark_html, decode_bytes(payload), template, key, value, raw)
    else:
        located = await asyncio.to_thread(mark_text, report.get("text") or "", template, key, value, raw)
    return db, ctx, doc, ctype, located


async def cell_original(request, datasette):
    report_id, key = int(request.url_vars["report_id"]), _key(request)
    db, ctx, doc, ctype, located = await _marked(datasette, report_id, key)
    inline = ctype in INLINE_TYPES
    base = datasette.urls.path(f"-/report/{report_id}/cell/{key}")
    body = await datasette.render_template("original.html", {
        "doc": doc, "reports": [ctx["report"]], "database": db.name, "inline": inline,
        "raw_url": f"{base}/marked#{MARK_ID}" if inline and located else datasette.urls.path(
            f"-/original/{doc['id']}/raw"),
        "download_url": datasette.urls.path(f"-/original/{doc['id']}/raw"),
        "source_is_http": bool(re.match(r"^https?://", doc.get("url") or "", re.I)),
        "marked": {"found": located is not None, "label": f"{ctx['row_label']}·{ctx['column_label']}",
                   "value": ctx["value_text"], "raw": (ctx["cell"] or {}).get("raw"),
                   "cell_url": base, "report_url": datasette.urls.path(f"-/report/{report_id}"),
                   "text": None if inline or located is None else markupsafe.Markup(located.html)},
    }, request=request)
    return Response.html(body, headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff"})


async def cell_marked_raw(request, datasette):
    """The original HTML with the figure marked, under the same script-free sandbox as /-/original/<id>/raw."""
    report_id, key = int(request.url_vars["report_id"]), _key(request)
    _, _, doc, ctype, located = await _marked(datasette, report_id, key)
    if ctype not in INLINE_TYPES or located is None:
        raise NotFound("未能在原件中找到这个数字")
    headers = {"Content-Security-Policy": RAW_CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer", "Cross-Origin-Resource-Policy": "same-origin"}
    return Response(located.html, status=200, headers=headers, content_type="text/html; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/-/report/(?P<report_id>\d+)$", report_view),
        (r"^/-/report/(?P<report_id>\d+)/cell/(?P<key>[a-z_.]+)$", cell_view),
        (r"^/-/report/(?P<report_id>\d+)/cell/(?P<key>[a-z_.]+)/original$", cell_original),
        (r"^/-/report/(?P<report_id>\d+)/cell/(?P<key>[a-z_.]+)/marked$", cell_marked_raw),
    ]
