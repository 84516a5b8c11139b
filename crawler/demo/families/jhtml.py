"""Zhengzhou 政务公开 platform (public.jinshui.gov.cn): /<colCode>/<id>.jhtml.

``D42Y`` is the 年度报告 column (its sub-columns D42Y01/D42Y02 hold the
departments' and streets' reports). Lists are /<col>/index.jhtml,
/<col>/index_2.jhtml …, with numbered links and 下一页; the article body is
in div#ivs_content under a 信息公开 metadata table.
"""

from __future__ import annotations

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import chunks, html_page, page_size_for
from crawler.demo.model import Column, DemoSite

_CODES = {"government": "D42Y", "department": "D42Y01", "town": "D42Y02", "zone": "D42Y03"}


def _list_path(code: str, page: int) -> str:
    return f"/{code}/index.jhtml" if page == 1 else f"/{code}/index_{page}.jhtml"


def make_columns(spec: SiteSpec) -> list[Column]:
    return [Column(name, level, _list_path(_CODES[level], 1)) for level, name in spec.column_names.items()]


def _pager(code: str, page: int, last: int, total: int) -> str:
    links = [f'<a href="{_list_path(code, i)}">{i}</a>' if i != page else f"<b>{i}</b>" for i in range(1, last + 1)]
    prev = f'<a href="{_list_path(code, page - 1)}">上一页</a>' if page > 1 else "<span>上一页</span>"
    nxt = f'<a href="{_list_path(code, page + 1)}">下一页</a>' if page < last else "<span>下一页</span>"
    return (f'<div class="pagination">共{total}条记录 第{page}/{last}页 '
            f'<a href="{_list_path(code, 1)}">首页</a> {prev} {" ".join(links)} {nxt} '
            f'<a href="{_list_path(code, last)}">尾页</a></div>')


def _frame(spec: SiteSpec, title: str, inner: str, article: Article | None = None, column: str = "") -> str:
    head = chrome.head(title, spec.name, article=article, column_name=column)
    left = '<div class="left-tree"><ul><li>政府信息公开指南</li><li>政府信息公开制度</li><li>法定主动公开内容</li><li>年度报告</li></ul></div>'
    return chrome.document(head, chrome.nav(spec.name) + left + f'<div class="right">{inner}</div>'
                           + chrome.footer(spec.name, "4101050003"))


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    for col, articles in columns:
        code = _CODES[col.body_level]
        for a in articles:
            a.path = f"/{code}/{1478000 + a.uid * 11}.jhtml"
    for col, articles in columns:
        code = _CODES[col.body_level]
        pages = chunks(articles, page_size_for(len(articles), spec.page_size))
        for page, chunk in enumerate(pages, 1):
            rows = "".join(f'<tr><td class="title"><a href="{a.path}" target="_blank">{chrome.esc(a.title)}</a></td>'
                           f"<td>{chrome.esc(a.agency)}</td><td>{a.date_iso}</td></tr>" for a in chunk)
            inner = (f'<div class="crumb">当前位置：政务公开 &gt; 年度报告 &gt; {chrome.esc(col.name)}</div>'
                     f'<table class="list-table"><thead><tr><th>标题</th><th>发布机构</th><th>发布日期</th></tr></thead>'
                     f"<tbody>{rows}</tbody></table>{_pager(code, page, len(pages), len(articles))}")
            site.pages[_list_path(code, page)] = html_page(_frame(spec, col.name, inner, column=col.name))
        for a in articles:
            inner = (f'<div class="crumb">当前位置：政务公开 &gt; <a href="{_list_path(code, 1)}">{chrome.esc(col.name)}'
                     f'</a></div>{chrome.meta_table(a)}<div class="detail"><h1>{chrome.esc(a.title)}</h1>'
                     f'<div id="ivs_content" class="ivs-content">{a.body_html}</div></div>')
            site.pages[a.path] = html_page(_frame(spec, a.title, inner, article=a, column=col.name))
