"""Luoyang platform (孟津区): articles at /YYYY/MM-DD/ID.html, lists /list/COL.html, /list/COL_N.html.

List pages carry numbered links, 首页/上一页/下一页/尾页; IDs grow with the
publication date, as on www.ly.gov.cn and www.mengjin.gov.cn.
"""

from __future__ import annotations

import datetime as dt

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import chunks, html_page, page_size_for
from crawler.demo.model import Column, DemoSite

_COLS = {"government": 4031, "department": 4032, "town": 4033, "zone": 4034}
_EPOCH = dt.date(2019, 1, 1)


def make_columns(spec: SiteSpec) -> list[Column]:
    return [Column(name, level, f"/list/{_COLS[level]}.html") for level, name in spec.column_names.items()]


def _list_path(col_id: int, page: int) -> str:
    return f"/list/{col_id}.html" if page == 1 else f"/list/{col_id}_{page}.html"


def article_path(a: Article) -> str:
    ident = 700000 + (a.published - _EPOCH).days * 300 + a.uid
    return f"/{a.published.year}/{a.published.month:02d}-{a.published.day:02d}/{ident}.html"


def _pager(col_id: int, page: int, last: int) -> str:
    parts = [f'<a href="{_list_path(col_id, 1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{_list_path(col_id, page - 1)}">上一页</a>')
    for i in range(1, last + 1):
        parts.append(f'<span class="current">{i}</span>' if i == page else f'<a href="{_list_path(col_id, i)}">{i}</a>')
    if page < last:
        parts.append(f'<a href="{_list_path(col_id, page + 1)}">下一页</a>')
    parts.append(f'<a href="{_list_path(col_id, last)}">尾页</a>')
    return f'<div class="page">共{last}页 {" ".join(parts)}</div>'


def _short(title: str) -> str:
    return title if len(title) <= 26 else title[:25] + "…"


def _frame(spec: SiteSpec, title: str, inner: str, article: Article | None = None, column: str = "") -> str:
    head = chrome.head(title, spec.name, article=article, column_name=column)
    body = (chrome.nav(spec.name) + f'<div class="main">{inner}</div>' + chrome.footer(spec.name, "4103080001"))
    return chrome.document(head, body)


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    for _col, articles in columns:
        for a in articles:
            a.path = article_path(a)
    for col, articles in columns:
        col_id = _COLS[col.body_level]
        pages = chunks(articles, page_size_for(len(articles), spec.page_size))
        for page, chunk in enumerate(pages, 1):
            items = "".join(
                f'<li><a href="{a.path}" target="_blank" title="{chrome.esc(a.title)}">{chrome.esc(_short(a.title))}</a>'
                f'<span class="date">{a.date_iso}</span></li>' for a in chunk)
            inner = (f'<div class="position">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; {chrome.esc(col.name)}</div>'
                     f'<div class="list_box"><h2>{chrome.esc(col.name)}</h2><ul class="list">{items}</ul>'
                     f'{_pager(col_id, page, len(pages))}</div>')
            site.pages[_list_path(col_id, page)] = html_page(_frame(spec, f"{col.name}-{spec.name}", inner, column=col.name))
        for a in articles:
            inner = (f'<div class="position">当前位置：<a href="/">首页</a> &gt; 政府信息公开 &gt; '
                     f'<a href="{_list_path(col_id, 1)}">{chrome.esc(col.name)}</a></div>'
                     f'{chrome.meta_table(a)}'
                     f'<div class="article"><h1 class="title">{chrome.esc(a.title)}</h1>'
                     f'<div class="info"><span>发布时间：{a.date_iso}</span><span>来源：{chrome.esc(a.agency)}</span>'
                     f'<span>浏览次数：<em id="hits"></em></span></div>'
                     f'<div class="con_text" id="UCAP-CONTENT">{a.body_html}</div>'
                     f'<div class="print"><a href="javascript:window.print()">【打印本页】</a>'
                     f'<a href="javascript:window.close()">【关闭窗口】</a></div></div>')
            site.pages[a.path] = html_page(_frame(spec, a.title, inner, article=a, column=col.name))
