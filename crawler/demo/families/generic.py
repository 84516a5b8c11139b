"""A plain county site (宜阳县) with no known CMS: what the generic spider must cope with.

Lists at /xxgk/ndbg/<sub>/index.html (one per department at /xxgk/ndbg/bm/NN/index.html)
with later pages as ?page=N, linked
by numbers and 下一页; articles at /html/<colId>/<id>.html with the body
in an unremarkable div.detail-body and no metadata table, only a
发布时间/来源 line.
"""

from __future__ import annotations

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import chunks, html_page, page_size_for
from crawler.demo.model import Column, DemoSite

_SUBS = {"government": ("xzf", 121), "department": ("bm", 122), "town": ("xz", 123), "zone": ("jjq", 124)}


def _list_path(col: Column, n: int) -> str:
    return col.path if n == 1 else f"{col.path}?page={n}"


def make_columns(spec: SiteSpec) -> list[Column]:
    """One column per level, or one per body for the levels in ``spec.per_body_levels`` (/xxgk/ndbg/bm/01/…)."""
    out = []
    for level, name in spec.column_names.items():
        if level in spec.per_body_levels:
            bodies = [b for b in spec.bodies if b.level == level]
            out += [Column(b.name, level, f"/xxgk/ndbg/{_SUBS[level][0]}/{i:02d}/index.html", body=b.name)
                    for i, b in enumerate(bodies, 1)]
        else:
            out.append(Column(name, level, f"/xxgk/ndbg/{_SUBS[level][0]}/index.html"))
    return out


def _frame(spec: SiteSpec, title: str, inner: str, article: Article | None = None) -> str:
    head = chrome.head(title, spec.name, article=None)  # this site prints no article meta tags
    return chrome.document(head, chrome.nav(spec.name) + f'<div class="wrap">{inner}</div>'
                           + chrome.footer(spec.name, "4103270004"))


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    for col, articles in columns:
        for a in articles:
            a.path = f"/html/{_SUBS[col.body_level][1]}/{5100 + a.uid * 3}.html"
    for col, articles in columns:
        pages = chunks(articles, page_size_for(len(articles), spec.page_size))
        last = len(pages)
        for n, chunk in enumerate(pages, 1):
            items = "".join(f'<div class="item"><a href="{a.path}">{chrome.esc(a.title)}</a>'
                            f'<em>{a.date_iso}</em></div>' for a in chunk)
            nums = " ".join(f'<a href="{_list_path(col, i)}">{i}</a>' if i != n else f"[{i}]"
                            for i in range(1, last + 1))
            nxt = f' <a href="{_list_path(col, n + 1)}">下一页</a>' if n < last else ""
            inner = (f'<h3 class="lm">{chrome.esc(col.name)}</h3><div class="items">{items}</div>'
                     f'<div class="pg">{nums}{nxt}</div>')
            site.pages[_list_path(col, n)] = html_page(_frame(spec, col.name, inner))
        for a in articles:
            inner = (f'<h2 class="t">{chrome.esc(a.title)}</h2>'
                     f'<div class="laiyuan">发布时间：{a.date_iso}　　来源：{chrome.esc(a.agency)}</div>'
                     f'<div class="detail-body">{a.body_html}</div>')
            site.pages[a.path] = html_page(_frame(spec, a.title, inner, article=a))
