"""Page chrome shared by the family layouts: head meta tags and the 信息公开 metadata table.

Real report pages wrap the article in navigation, breadcrumbs and footers,
and many carry a metadata table (索引号/发布机构/发布日期) above the text;
a reader must take the body from the article container, not from these.
"""

from __future__ import annotations

import html

from crawler.demo.articles import Article


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def head(title: str, site_name: str, *, charset_meta: str = '<meta charset="utf-8">', article: Article | None = None,
         column_name: str = "", extra: str = "") -> str:
    """<head> with the meta tags RSSHub and friends read (ArticleTitle, PubDate, ContentSource)."""
    metas = [charset_meta, f"<title>{esc(title)}</title>", f'<meta name="SiteName" content="{esc(site_name)}">']
    if column_name:
        metas.append(f'<meta name="ColumnName" content="{esc(column_name)}">')
    if article is not None:
        metas += [
            f'<meta name="ArticleTitle" content="{esc(article.title)}">',
            f'<meta name="PubDate" content="{article.date_iso} {9 + article.uid % 8:02d}:{article.uid % 60:02d}">',
            f'<meta name="ContentSource" content="{esc(article.agency)}">',
        ]
    return "<head>\n" + "\n".join(metas) + ("\n" + extra if extra else "") + "\n</head>"


def nav(site_name: str, items: tuple[str, ...] = ("首页", "政务公开", "政务服务", "互动交流", "走进本地")) -> str:
    links = "".join(f'<li><a href="/">{esc(i)}</a></li>' for i in items)
    return f'<div class="header"><div class="logo">{esc(site_name)}</div><ul class="nav">{links}</ul></div>'


def footer(site_name: str, icp: str) -> str:
    return (f'<div class="footer"><p>主办单位：{esc(site_name)}办公室 &nbsp; 网站标识码：{icp}</p>'
            f'<p>版权所有：{esc(site_name)} &nbsp; 建议使用1366×768分辨率浏览</p></div>')


def meta_table(article: Article, topic: str = "综合政务/政务公开") -> str:
    """The 信息公开 metadata table above the article, as most portals print it."""
    rows = (
        ("索引号", article.index_no, "主题分类", topic),
        ("发布机构", article.agency, "成文日期", article.date_iso),
        ("名称", article.title, "发布日期", article.date_iso),
        ("文号", "", "有效性", "有效"),
    )
    body = "".join(
        f"<tr><th>{esc(a)}：</th><td>{esc(b)}</td><th>{esc(c)}：</th><td>{esc(d)}</td></tr>" for a, b, c, d in rows
    )
    return f'<table class="xxgk-meta">{body}</table>'


def document(head_html: str, body_html: str, lang: str = "zh-CN") -> str:
    return f'<!DOCTYPE html>\n<html lang="{lang}">\n{head_html}\n<body>\n{body_html}\n</body>\n</html>\n'
