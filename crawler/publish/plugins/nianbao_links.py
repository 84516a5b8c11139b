"""Links from every number to its report, the source page and the archived original, served safely.

* `render_cell`: 报告编号 → the report page (/-/report/<id>, plugins/nianbao_report.py); 来源网址 / reports.url and
  报告文件 / reports.source_url → the government page or file (http/https only);
  存档原件, 文件原件 / reports.document_id, source_document_id → `/-/original/<id>`.
* `/-/original/<id>`: a page describing the archived document, with the
  original shown in an `<iframe sandbox>` (no scripts, unique origin).
* `/-/original/<id>/raw`: the bytes, with `Content-Security-Policy: sandbox`
  so that even opened directly a scraped `<script>` never runs; anything but
  HTML or plain text is sent as a download.

The bytes are read with `crawler.archive.warc.read_payload(db_path, document_id)`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.utils.asgi import NotFound, Response

from crawler.record.textstore import unpack_text

REPORT_ID_COLUMNS = {"报告编号", "对照报告编号"}
SOURCE_COLUMNS = {"来源网址", "报告文件"}
ORIGINAL_COLUMNS = {"存档原件", "对照原件", "文件原件"}
RAW_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           "font-src data:; form-action 'none'; frame-ancestors 'self'")
PAGE_CSP = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " \
           "frame-src 'self'; object-src 'none'"
INLINE_TYPES = ("text/html", "text/plain", "application/xhtml+xml")


def _archive_db(datasette: Any):
    """The served database that holds `documents` (plugin setting `nianbao.database`, else the first file)."""
    name = (datasette.plugin_config("nianbao") or {}).get("database")
    for db in datasette.databases.values():
        if db.path and (name is None or db.name == name):
            return db
    raise NotFound("没有可用的档案数据库")


def _link(href: str, text: str, external: bool = False) -> markupsafe.Markup:
    rel = ' rel="noopener noreferrer nofollow" target="_blank"' if external else ""
    return markupsafe.Markup('<a href="{}"{}>{}</a>').format(href, markupsafe.Markup(rel), text)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """Report ids, source URLs and archived originals become links, everywhere they appear."""
    if isinstance(value, dict):  # an expanded foreign key
        value = value.get("value")
    if value in (None, ""):
        return None
    if column in ORIGINAL_COLUMNS or (table == "reports" and column in ("document_id", "source_document_id")):
        return _link(datasette.urls.path(f"-/original/{int(value)}"), f"存档原件 #{int(value)}")
    if column in REPORT_ID_COLUMNS:
        return _link(datasette.urls.path(f"-/report/{int(value)}"), str(int(value)))
    if column in SOURCE_COLUMNS or (table == "reports" and column in ("url", "source_url")):
        text = str(value)
        if re.match(r"^https?://", text, re.I):
            return _link(text, text, external=True)
        return markupsafe.escape(text)
    return None


async def _document(datasette: Any, document_id: int) -> tuple[Any, dict, list[dict]]:
    db = _archive_db(datasette)
    rows = (await db.execute("select * from documents where id = ?", [document_id])).rows
    if not rows:
        raise NotFound(f"没有编号为 {document_id} 的存档原件")
    reports = (await db.execute(
        "select id, title, url, text from reports where document_id = ? or source_document_id = ? order by id",
        [document_id, document_id])).rows
    return db, dict(rows[0]), [{**r, "text": unpack_text(r["text"])} for r in map(dict, reports)]


async def original_page(request, datasette):
    """The document's facts, links to its reports and the original in a sandboxed frame."""
    document_id = int(request.url_vars["document_id"])
    db, doc, reports = await _document(datasette, document_id)
    ctype = (doc.get("content_type") or "").split(";")[0].strip().lower()
    body = await datasette.render_template("original.html", {
        "doc": doc, "reports": reports, "database": db.name, "inline": ctype in INLINE_TYPES,
        "raw_url": datasette.urls.path(f"-/original/{document_id}/raw"),
        "source_is_http": bool(re.match(r"^https?://", doc.get("url") or "", re.I)),
    }, request=request)
    return Response.html(body, headers={"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff"})


async def original_raw(request, datasette):
    """The archived bytes: inline only for HTML/text, always under a script-free sandbox CSP."""
    from crawler.archive.warc import read_payload

    document_id = int(request.url_vars["document_id"])
    db, doc, _ = await _document(datasette, document_id)
    from crawler.exceptions import PayloadTooLarge

    try:
        ctype, payload = await asyncio.to_thread(read_payload, db.path, document_id)  # capped (download cap)
    except PayloadTooLarge as e:  # a compression bomb archived as served: never inflated
        return Response.text(f"存档原件 {document_id} 解压后超过下载上限，不予显示：{e}", status=413)
    except Exception as e:  # a missing WARC file is a 404 to the reader, not a crash
        raise NotFound(f"存档原件 {document_id} 无法读取：{e}") from e
    ctype = ctype or "application/octet-stream"
    headers = {
        "Content-Security-Policy": RAW_CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if ctype.split(";")[0].strip().lower() not in INLINE_TYPES or request.args.get("download"):
        headers["Content-Disposition"] = f'attachment; filename="original-{document_id}"'
    return Response(payload, status=200, headers=headers, content_type=ctype)


# Datasette 0.65 prints every column description above the table; with 200 columns the table
# disappears below the fold. Fold them into a <details> and show each as the header's tooltip.
FOLD_DESCRIPTIONS = """(function () {
document.querySelectorAll('dl.column-descriptions').forEach(function (dl) {
  var details = document.createElement('details');
  var summary = document.createElement('summary');
  summary.textContent = '列说明（' + dl.querySelectorAll('dt').length + ' 列，含单位）';
  details.appendChild(summary);
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(dl);
});
document.querySelectorAll('th[data-column-description]').forEach(function (th) {
  th.title = th.getAttribute('data-column-description');
});
var wide = ['标题', '机关', '说明', '规则内容', '网站', 'title', 'agency', 'detail'];
var css = [];
document.querySelectorAll('table.rows-and-columns th[data-column]').forEach(function (th) {
  if (wide.indexOf(th.getAttribute('data-column')) >= 0 && th.classList.length) {
    css.push('table.rows-and-columns td.' + th.classList[0] + ' { min-width: 14em; }');
  }
});
if (css.length) {
  var style = document.createElement('style');
  style.textContent = css.join(' ');
  document.head.appendChild(style);
}
})();
"""


@hookimpl
def extra_body_script(view_name):
    if view_name in ("table", "row", "database"):
        return FOLD_DESCRIPTIONS
    return None


@hookimpl
def register_routes():
    return [
        (r"^/-/original/(?P<document_id>\d+)$", original_page),
        (r"^/-/original/(?P<document_id>\d+)/raw$", original_raw),
    ]
