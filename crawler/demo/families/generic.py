"""A plain county site (宜阳县) with no known CMS: what the generic spider must cope with.

Lists at /xxgk/ndbg/<sub>/index.html (one per department at /xxgk/ndbg/bm/NN/index.html)
with later pages as ?page=N, linked
by numbers and 下一页; articles at /html/<colId>/<id>.html with the body
in an unremarkable div.detail-body and no metadata table, only a
发布时间/来源 line. The town column is a static list numbered backwards, as
动易/科讯-style CMSs make them: index_<colId>.html, then index_<colId>_<N>.html
with N counting down to 1, behind a hidden pager of image links (no text).
"""

from __future__ import annotations

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import chunks, html_page, page_size_for
from crawler.demo.model import Column, DemoSite

_SUBS = {"government": ("xzf", 121), "department": ("bm", 122), "town": ("xz", 123), "zone": ("jjq", 124)}


_BACKWARDS_LEVELS = ("town",)


def _list_path(col: Column, page: int, last: int = 1) -> str:
    """Page ``page`` (from 1) of a column of ``last`` pages."""
    if col.body_level in _BACKWARDS_LEVELS:
        return col.path if page == 1 else f"{col.path.removesuffix('.html')}_{last - page + 1}.html"
    return col.path if page == 1 else f"{col.path}?page={page}"


def _column_path(level: str, index: int | None = None) -> str:
    """A column's first page: /xxgk/ndbg/<sub>/[NN/]index.html, or index_<colId>.html for a backwards list."""
    sub, col_id = _SUBS[level]
    folder = f"/xxgk/ndbg/{sub}/" + (f"{index:02d}/" if index is not None else "")
    return folder + (f"index_{col_id}.html" if level in _BACKWARDS_LEVELS else "index.html")


def make_columns(spec: SiteSpec) -> list[Column]:
    """One column per level, or one per body for the levels in ``spec.per_body_levels`` (/xxgk/ndbg/bm/01/…)."""
    out = []
    for level, name in spec.column_names.items():
        if level in spec.per_body_levels:
            bodies = [b for b in spec.bodies if b.level == level]
            out += [Column(b.name, level, _column_path(level, i), body=b.name) for i, b in enumerate(bodies, 1)]
        else:
            out.append(Column(name, level, _column_path(level)))
    return out


def _backwards_pager(col: Column, page: int, last: int) -> str:
    """A hidden pager of image links (首页, 上一页, 下一页, 尾页) that a script would draw: no text at all."""
    links = []
    if page > 1:
        links += [f'<a href="{_list_path(col, 1, last)}" class="first"><img src="/images/first.gif"></a>',
                  f'<a href="{_list_path(col, page - 1, last)}" class="prev"><img src="/images/prev.gif"></a>']
    if page < last:
        links += [f'<a href="{_list_path(col, page + 1, last)}" class="next"><img src="/images/next.gif"></a>',
                  f'<a href="{_list_path(col, last, last)}" class="last"><img src="/images/last.gif"></a>']
    return (f'<div class="pg" id="pagelist" style="display:none">{"".join(links)}</div>'
            f'<script>drawPager("pagelist", {last}, {page});</script>')


def _frame(spec: SiteSpec, title: str, inner: str, article: Article | None = None) -> str:
    head = chrome.head(title, spec.name, article=None)  # this site prints no article meta tags
    return chrome.document(head, chrome.nav(spec.name) + f'<div class="wrap">{inner}</div>'
                           + chrome.footer(spec.name, "4103270004"))


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    for col, articles in columns:
        for a in articles:
            a.path = f"/html/{_SUBS[col.body_level][1]}/{5100 + a.uid * 3}.html"
    for col, articles in columns:
        size = page_size_for(len(articles), spec.page_size)
        if col.body_level in _BACKWARDS_LEVELS:
            size = min(size, max(1, -(-len(articles) // 3)))  # three pages at least: N counts down 2, 1
        pages = chunks(articles, size)
        last = len(pages)
        for page, chunk in enumerate(pages, 1):
            items = "".join(f'<div class="item"><a href="{a.path}">{chrome.esc(a.title)}</a>'
                            f'<em>{a.date_iso}</em></div>' for a in chunk)
            if col.body_level in _BACKWARDS_LEVELS:
                pager = _backwards_pager(col, page, last)
            else:
                nums = " ".join(f'<a href="{_list_path(col, i)}">{i}</a>' if i != page else f"[{i}]"
                                for i in range(1, last + 1))
                nxt = f' <a href="{_list_path(col, page + 1)}">下一页</a>' if page < last else ""
                pager = f'<div class="pg">{nums}{nxt}</div>'
            inner = f'<h3 class="lm">{chrome.esc(col.name)}</h3><div class="items">{items}</div>{pager}'
            site.pages[_list_path(col, page, last)] = html_page(_frame(spec, col.name, inner))
        for a in articles:
            inner = (f'<h2 class="t">{chrome.esc(a.title)}</h2>'
                     f'<div class="laiyuan">发布时间：{a.date_iso}　　来源：{chrome.esc(a.agency)}</div>'
                     f'<div class="detail-body">{a.body_html}</div>')
            site.pages[a.path] = html_page(_frame(spec, a.title, inner, article=a))
