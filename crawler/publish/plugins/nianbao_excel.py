"""`.excel`: any table, view or question as a CSV file that Excel on a Chinese Windows opens as it is.

Datasette's own CSV has no byte-order mark (Excel reads it as GBK and shows
鎶ュ憡缂栧彿), is shown as text in the browser, is saved under a ~-encoded name,
and exports 存档原件 as a bare id. This output renderer (a "This data as" link
on every page) writes UTF-8 with a BOM, every row of the list as filtered (not
just the page shown), is sent as a download named in Chinese
(`Content-Disposition: filename*=UTF-8''报告一览-年度2023.csv`), and turns
archived originals into full URLs.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from crawler.publish import search

EXTENSION = "excel"
ORIGINAL_COLUMNS = {"存档原件", "对照原件", "文件原件"}
RAW_ORIGINAL_COLUMNS = {("reports", "document_id"), ("reports", "source_document_id"), ("documents", "id")}
#: Stop adding rows past this many bytes (Datasette's max_csv_mb is the ceiling of its own CSV too).
DEFAULT_MAX_MB = 100
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def file_name(name: str, args: list[tuple[str, str]]) -> str:
    """报告一览-年度2023.csv: the list's name, then each filter value it was downloaded with."""
    parts = [name] + [f"{k}{v}" for k, v in args if not k.startswith("_") and v and k != "sql"]
    search_terms = [v for k, v in args if k == "_search" and v]
    parts += [f"含{v}" for v in search_terms]
    return _UNSAFE_NAME.sub("_", "-".join(parts))[:120] + ".csv"


def content_disposition(name: str) -> str:
    """attachment with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987)."""
    return f"attachment; filename=\"nianbao.csv\"; filename*=UTF-8''{quote(name, safe='')}"


def _cell(value: Any, column: str, table: str | None, original_url) -> Any:
    if isinstance(value, dict):  # an expanded foreign key
        value = value.get("value")
    if value is None:
        return ""
    if column in ORIGINAL_COLUMNS or (table, column) in RAW_ORIGINAL_COLUMNS:
        try:
            return original_url(int(value))
        except (TypeError, ValueError):
            return value
    if isinstance(value, str) and search.MARK_START in value:
        return value.replace(search.MARK_START, "【").replace(search.MARK_END, "】")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


async def _every_page(datasette, request):
    """(columns, rows) of every page of this table or view as filtered: the JSON API through its `next`."""
    path = request.path.rsplit(".", 1)[0] + ".json"
    args = [(k, v) for k, v in parse_qsl(request.query_string, keep_blank_values=True)
            if k not in ("_next", "_size", "_labels", "_nocount", "_nofacet", "_shape")]
    args += [("_size", "max"), ("_labels", "off"), ("_nocount", "1"), ("_nofacet", "1")]
    next_token = None
    first = True
    while first or next_token:
        page = args + ([("_next", next_token)] if next_token else [])
        r = await datasette.client.get(path + "?" + urlencode(page))
        if r.status_code != 200:
            raise ValueError(f"{path}：读取第 {'一' if first else '后续'} 页出错（HTTP {r.status_code}）")
        data = r.json()
        yield data["columns"], data["rows"]
        first = False
        next_token = data.get("next")


async def _pages(datasette, request, table, query_name, columns, rows):
    """A table page holds one page of rows: follow every page. A question's rows are all there."""
    if table and not query_name:
        async for page in _every_page(datasette, request):
            yield page
    else:
        yield columns, rows


async def render_excel(datasette, request, database, table, query_name, columns, rows, data):
    original_url = lambda i: datasette.absolute_url(request, datasette.urls.path(f"-/original/{i}"))  # noqa: E731
    max_bytes = int(datasette.setting("max_csv_mb") or DEFAULT_MAX_MB) * 1024 * 1024
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    truncated = False
    async for page_columns, page_rows in _pages(datasette, request, table, query_name, columns, rows):
        for row in page_rows:
            values = row if isinstance(row, list | tuple) else [row[c] for c in page_columns]
            writer.writerow([_cell(v, c, table, original_url) for v, c in zip(values, page_columns, strict=False)])
            if out.tell() > max_bytes:
                truncated = True
                break
        if truncated:
            writer.writerow([f"……超过 {max_bytes // 2**20} MB，其余行未导出；请加筛选条件分批下载"])
            break
    if query_name and data.get("truncated"):  # a question answers at most max_returned_rows rows
        writer.writerow([f"……只导出了前 {len(rows)} 行（每个问题最多返回这么多行）；请加条件缩小范围分批下载"])
    name = file_name(query_name or table or database, parse_qsl(request.query_string, keep_blank_values=True))
    return Response(out.getvalue().encode("utf-8"), status=200, content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(name)})


@hookimpl
def register_output_renderer(datasette):
    return {"extension": EXTENSION, "render": render_excel, "can_render": lambda: True}
