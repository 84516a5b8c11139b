"""Hanweb/大汉 jcms (开化县): /col/colNNN/index.html with an embedded XML datastore, POST paging.

The column page embeds the first group of records (3 pages of ``perpage``)
in ``<script type="text/xml"><datastore>``, declares ``var param_UNIT={…}``
and ``totalRecord:``. Later groups come from POST
/module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage= which
returns any inclusive 1-based record range; the <nextgroup> link and the
page's script ask for groups that overlap the previous one by one record.
Articles at /art/YYYY/M/D/art_<col>_<id>.html, body between the
ZJEG_RSS.content markers inside #zoom.
"""

from __future__ import annotations

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import html_page
from crawler.demo.model import Column, DemoSite, Page, Request

_COLS = {"government": 1229792461, "department": 1229792462, "town": 1229792463, "zone": 1229792464}
_UNITS = {"government": 4697, "department": 4698, "town": 4699, "zone": 4700}
WEBID = "3"
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def make_columns(spec: SiteSpec) -> list[Column]:
    return [Column(name, level, f"/col/col{_COLS[level]}/index.html") for level, name in spec.column_names.items()]


def _art_path(col_id: int, a: Article) -> str:
    d = a.published
    return f"/art/{d.year}/{d.month}/{d.day}/art_{col_id}_{88000 + a.uid * 7}.html"


def _record(a: Article, date_tag: str) -> str:
    date = f"<b readlabel>{a.date_iso}</b>" if date_tag == "b" else f"<span>{a.date_iso}</span>"
    return (f'<record><![CDATA[<li><a href="{a.path}" title="{chrome.esc(a.title)}" target="_blank">'
            f'{chrome.esc(a.title)}</a>{date}</li>]]></record>')


def dataproxy_handler(spec: SiteSpec, by_column: dict[str, list[Article]], date_tags: dict[str, str]):
    """POST /module/web/jpage/dataproxy.jsp: the records of one range of a column."""

    def handle(req: Request) -> Page:
        if req.method != "POST":
            return Page(405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "POST"}, b"method not allowed")
        try:
            col = req.params["columnid"]
            start, end = int(req.params["startrecord"]), int(req.params["endrecord"])
            perpage = int(req.params.get("perpage") or spec.page_size)
        except (KeyError, ValueError):
            return Page(400, {"Content-Type": "text/plain; charset=utf-8"}, b"bad request")
        articles = by_column.get(col)
        if articles is None:
            articles = []
        total = len(articles)
        chosen = articles[max(start, 1) - 1:max(end, 0)]
        records = "".join(_record(a, date_tags.get(col, "span")) for a in chosen)
        pages = -(-total // perpage) if perpage > 0 else 0
        xml = (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{total}</totalrecord>'
               f"<totalpage>{pages}</totalpage><recordset>{records}</recordset></datastore>")
        return Page(200, {"Content-Type": "text/xml; charset=UTF-8"}, xml.encode("utf-8"))

    return handle


def _column_page(spec: SiteSpec, col: Column, articles: list[Article], date_tag: str) -> str:
    col_id, unit = _COLS[col.body_level], _UNITS[col.body_level]
    per = spec.page_size
    group = 3 * per
    first = "".join(_record(a, date_tag) for a in articles[:group])
    nextgroup = ""
    if len(articles) > group:
        nextgroup = (f'<![CDATA[<a href="{DATAPROXY}?startrecord={group}&endrecord={2 * group}&perpage={per}">'
                     f"</a>]]>")
    datastore = (f'<script type="text/xml"><datastore><nextgroup>{nextgroup}</nextgroup>'
                 f"<recordset>{first}</recordset></datastore></script>")
    script = (
        f'<script type="text/javascript">var param_{unit}={{col:1,appid:1,webid:{WEBID},path:"/",'
        f'columnid:{col_id},sourceContentType:1,unitid:{unit},webname:"{spec.name}",permissiontype:0}};</script>\n'
        f'<script type="text/javascript">$(function(){{$("#{unit}").jpage({{dataStore:"",proxyUrl:"{DATAPROXY}",'
        f'perPage:{per},totalRecord:{len(articles)},groupSize:3,barPosition:"bottom",ajaxParam:param_{unit},'
        f'showMode:"full",allRecord:{len(articles)}}});}});</script>'
    )
    inner = (f'<div class="bt-position">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; {chrome.esc(col.name)}</div>'
             f'<div class="column-title">{chrome.esc(col.name)}</div>'
             f'<div class="default_pgContainer" id="{unit}">{datastore}</div>{script}')
    head = chrome.head(f"{col.name} {spec.name}", spec.name, column_name=col.name,
                       extra='<script src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>')
    return chrome.document(head, chrome.nav(spec.name) + inner + chrome.footer(spec.name, "3308240001"))


def _article_page(spec: SiteSpec, col: Column, a: Article) -> str:
    extra = (f'<meta name="Maketime" content="{a.date_iso} 09:{a.uid % 60:02d}:00">'
             '<meta name="ContentStart"><meta name="ContentEnd">')
    head = chrome.head(a.title, spec.name, article=a, column_name=col.name, extra=extra)
    inner = (f'<div class="bt-position">当前位置：<a href="/">首页</a> &gt; '
             f'<a href="/col/col{_COLS[col.body_level]}/index.html">{chrome.esc(col.name)}</a></div>'
             f'{chrome.meta_table(a)}<div class="article"><div class="title">{chrome.esc(a.title)}</div>'
             f'<div class="time">发布日期：{a.date_iso} 信息来源：{chrome.esc(a.agency)}</div>'
             f'<div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{a.body_html}'
             f'<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div></div>')
    return chrome.document(head, chrome.nav(spec.name) + inner + chrome.footer(spec.name, "3308240001"))


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    by_column: dict[str, list[Article]] = {}
    date_tags: dict[str, str] = {}
    for col, articles in columns:
        col_id = _COLS[col.body_level]
        for a in articles:
            a.path = _art_path(col_id, a)
        by_column[str(col_id)] = articles
        date_tags[str(col_id)] = "b" if col.body_level == "zone" else "span"
    for col, articles in columns:
        col_id = _COLS[col.body_level]
        site.pages[col.path] = html_page(_column_page(spec, col, articles, date_tags[str(col_id)]))
        for a in articles:
            site.pages[a.path] = html_page(_article_page(spec, col, a))
    site.pages[DATAPROXY] = dataproxy_handler(spec, by_column, date_tags)
