"""TRS WCM (西工区): static lists index.html, index_1.html … paged by createPageHTML; GBK bytes.

The government column uses the newer six-argument pager,
``createPageHTML('page_div', total, current1, "index", "html", records)``: its
current page counts from 1 and page 2 is ``index_2.html`` (no ``index_1``).
The town column is "动静结合" as on Fujian's TRS sites: only its first page is
static; the page declares ``/fjdzapp/search`` (classsql=chnlid=N, prepage,
recordCount) and later pages exist only as that API's JSON (POST ``page=N``).

Articles at /zwgk/zfxxgknb/<sub>/YYYYMM/tYYYYMMDD_ID.html with the body in
div.TRS_Editor (which, as on real sites, opens with its own <style> block).
Pages are GBK and say gb2312 only in a <meta http-equiv> tag; the HTTP
header names no charset.
"""

from __future__ import annotations

import json
import math

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import chunks, html_page, page_size_for
from crawler.demo.model import Column, DemoSite, Page, Request

_SUBS = {"government": "qzfnb", "department": "bmnb", "town": "jdnb", "zone": "kfqnb"}
_CHARSET = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
_PAGER_JS = """<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var _nCurrIndex = _nCurrIndex || 0;
  if(_nCurrIndex == 0) document.write("<span>首页</span>&nbsp;");
  else document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
  if(_nCurrIndex+1 < _nPageCount)
    document.write("<a href=\\""+_sPageName+"_" + (_nCurrIndex+1) + "."+_sPageExt+"\\">下一页</a>&nbsp;");
  document.write("<a href=\\""+_sPageName+"_" + (_nPageCount-1) + "."+_sPageExt+"\\">尾页</a>");
}
</script>"""
# The six-argument pager: a div id first, the current page from 1, the record count last; page n is name_n.
_PAGER6_JS = """<script type="text/javascript">
function createPageHTML(_sDivId, _nPageCount, _nCurrIndex, _sPageName, _sPageExt, _nRecordCount){
  if(_nPageCount == null || _nPageCount<=1){ return; }
  var html = "<span>共" + _nRecordCount + "条</span>&nbsp;";
  html += (_nCurrIndex == 1) ? "<span>首页</span>&nbsp;" : "<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;";
  if(_nCurrIndex < _nPageCount)
    html += "<a href=\\""+_sPageName+"_" + (_nCurrIndex+1) + "."+_sPageExt+"\\">下一页</a>&nbsp;";
  html += "<a href=\\""+_sPageName+"_" + _nPageCount + "."+_sPageExt+"\\">尾页</a>";
  document.getElementById(_sDivId).innerHTML = html;
}
</script>"""
_SIX_ARG_LEVELS = ("government",)
_API_LEVELS = ("town",)
SEARCH_API = "/fjdzapp/search"
_CHNL = {"government": 40611, "department": 40612, "town": 40613, "zone": 40614}


def _dir(level: str) -> str:
    return f"/zwgk/zfxxgknb/{_SUBS[level]}/"


def make_columns(spec: SiteSpec) -> list[Column]:
    return [Column(name, level, _dir(level) + "index.html") for level, name in spec.column_names.items()]


def _rel_path(a: Article) -> str:
    d = a.published
    return f"{d.year}{d.month:02d}/t{d.year}{d.month:02d}{d.day:02d}_{2340000 + a.uid * 37}.html"


def _frame(spec: SiteSpec, title: str, inner: str, article: Article | None = None, column: str = "",
           pager: str = _PAGER_JS) -> bytes:
    head = chrome.head(title, spec.name, charset_meta=_CHARSET, article=article, column_name=column, extra=pager)
    body = chrome.nav(spec.name) + inner + chrome.footer(spec.name, "4103030002")
    return chrome.document(head, body)


def _gbk(text: str):
    return html_page(text, encoding="gbk", content_type="text/html")


def _items(chunk: list[Article]) -> str:
    return "".join(f'<li><span>{a.date_iso}</span><a href="./{_rel_path(a)}" target="_blank" '
                   f'title="{chrome.esc(a.title)}">{chrome.esc(a.title)}</a></li>' for a in chunk)


def _api_column(spec: SiteSpec, site: DemoSite, col: Column, articles: list[Article], size: int) -> str:
    """A column whose first page is static and whose later pages come only from the search API; returns
    the ``classsql`` the API knows it by."""
    chnl = _CHNL[col.body_level]
    script = ("<script type=\"text/javascript\">\n  var pageParam = {\n    url: '" + SEARCH_API + "',\n"
              "    channelid: '229105',\n    sortfield: '-docorderpri,-docreltime',\n"
              f"    classsql: 'chnlid={chnl}',\n    classcol: 'publishyear',\n    classnum: '100',\n"
              f"    classsort: '0',\n    cache: 'true',\n    prepage: '{size}',\n    recordCount: '{len(articles)}'\n"
              "  };\n  $('#pagination').pagination(pageParam.recordCount, {items_per_page: pageParam.prepage,\n"
              "    callback: function (n) { $.post(pageParam.url, $.extend({}, pageParam, {page: n + 1}), drawList, "
              "'json'); }});\n</script>")
    inner = (f'<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="../../">政务公开</a> &gt; '
             f'<a href="../">政府信息公开年报</a> &gt; {chrome.esc(col.name)}</div>'
             f'<div class="list-box"><ul class="list" id="list">{_items(articles[:size])}</ul>'
             f'<div class="pagination" id="pagination"></div></div>{script}')
    site.pages[_dir(col.body_level) + "index.html"] = _gbk(_frame(spec, f"{col.name}_{spec.name}", inner,
                                                                  column=col.name, pager=""))
    return f"chnlid={chnl}"

def _search_handler(columns: dict[str, list[Article]]):
    """POST /fjdzapp/search: one page of a column's documents as JSON ({data, pageCount, total})."""

    def handle(req: Request) -> Page:
        if req.method != "POST":
            return Page(405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "POST"}, b"method not allowed")
        try:
            articles = columns[req.params["classsql"]]
            page, per = int(req.params.get("page") or 1), int(req.params.get("prepage") or 15)
        except (KeyError, ValueError):
            return Page(400, {"Content-Type": "text/plain; charset=utf-8"}, b"bad request")
        chosen = articles[(page - 1) * per:page * per] if page > 0 and per > 0 else []
        data = [{"doctitle": a.title, "docpuburl": a.path, "chnldocurl": a.path,
                 "docreltime": f"{a.date_iso} 09:00:00"} for a in chosen]
        reply = {"page": page, "prepage": per, "pageCount": math.ceil(len(articles) / per) if per > 0 else 0,
                 "total": len(articles), "data": data}
        return Page(200, {"Content-Type": "application/json;charset=UTF-8"},
                    json.dumps(reply, ensure_ascii=False).encode("utf-8"))

    return handle


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    for col, articles in columns:
        for a in articles:
            a.path = _dir(col.body_level) + _rel_path(a)
    api_columns: dict[str, list[Article]] = {}
    for col, articles in columns:
        size = page_size_for(len(articles), spec.page_size)
        pages = chunks(articles, size)
        if col.body_level in _API_LEVELS:
            api_columns[_api_column(spec, site, col, articles, size)] = articles
            pages = []
        for page, chunk in enumerate(pages):
            items = _items(chunk)
            six = col.body_level in _SIX_ARG_LEVELS
            pager = (f'<div class="page" id="page_div"></div><script>createPageHTML(\'page_div\', {len(pages)}, {page + 1}, '
                     f'\'index\', \'html\', {len(articles)});</script>' if six else
                     f'<div class="page"><script>createPageHTML({len(pages)}, {page}, "index", "html");</script></div>')
            inner = (f'<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="../../">政务公开</a> &gt; '
                     f'<a href="../">政府信息公开年报</a> &gt; {chrome.esc(col.name)}</div>'
                     f'<div class="list-box"><ul class="list">{items}</ul>{pager}</div>')
            name = "index.html" if page == 0 else f"index_{page + 1 if six else page}.html"
            site.pages[_dir(col.body_level) + name] = _gbk(_frame(spec, f"{col.name}_{spec.name}", inner, column=col.name,
                                                                  pager=_PAGER6_JS if six else _PAGER_JS))
        for a in articles:
            editor = ('<div class="TRS_Editor"><style type="text/css">\n.TRS_Editor P{margin-top:0;margin-bottom:12px;'
                      'line-height:1.8;font-family:宋体;font-size:12pt;}.TRS_Editor TABLE{font-size:10.5pt;}\n</style>'
                      f'<div class="Custom_UnionStyle">{a.body_html}</div></div>')
            inner = (f'<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="../../../">政务公开</a> &gt; '
                     f'<a href="../">{chrome.esc(col.name)}</a></div>{chrome.meta_table(a)}'
                     f'<div class="detail"><h2 class="title">{chrome.esc(a.title)}</h2>'
                     f'<p class="source">发布时间：{a.date_iso} &nbsp; 来源：{chrome.esc(a.agency)}</p>'
                     f'{editor}</div>')
            site.pages[a.path] = _gbk(_frame(spec, a.title, inner, article=a, column=col.name))
    if api_columns:
        site.pages[SEARCH_API] = _search_handler(api_columns)
