"""Each demo site's portal: a homepage with real navigation to its 信息公开 platform, one shape per site.

The shapes are those real portals have (../shared/SITES.md, registry/evidence.md):

* ``js_menu`` (孟津区) — the homepage menu is a JS variable written out by a script; 政务公开 →
  政府信息公开 → the four columns;
* ``tree`` (西工区) — 政务公开 → 法定主动公开内容 → 政府信息公开年报 → 区政府 / 部门 / 街道 年报,
  the columns three levels below the platform's home;
* ``separate_host`` (开化县) — the portal (www) is its own loopback host and links to the 信息公开
  platform (the zwgk host, where the columns are);
* ``gkmlpt`` (大埔县) — 政府信息公开 → ``/gkmlpt/index`` whose ``_CONFIG.TREE`` holds the columns;
* ``split`` (金水区) — the government's 年度报告 column in the platform's tree, the departments'
  and the streets' columns under 部门信息公开 and 街道信息公开;
* ``per_department`` (宜阳县) — 政府信息公开年报 › 部门年报 › one column per department.

Every shape also links distractors — 统计公报, 财政预决算, 政府工作报告, 国民经济和社会发展统计,
法治政府建设年度报告 — to pages that list documents of that kind, so a discoverer that takes
them gets a wrong column.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.demo import chrome
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import BASE_TOKEN, html_page
from crawler.demo.model import Column, DemoSite, Page

# (link text, what its page lists): pages a discoverer must not take for 年报 columns.
DISTRACTORS = (
    ("国民经济和社会发展统计公报", "{short}{year}年国民经济和社会发展统计公报"),
    ("财政预决算", "{short}{year}年财政预算执行情况和{next}年预算草案"),
    ("政府工作报告", "{short}{next}年政府工作报告"),
    ("统计信息", "{short}{year}年国民经济和社会发展统计资料"),
    ("法治政府建设年度报告", "{short}{year}年法治政府建设年度报告"),
)
DISTRACTOR_PATHS = ("tjgb", "yjs", "zfgzbg", "tjxx", "fzzf")


def _page(spec: SiteSpec, title: str, inner: str, *, encoding: str = "utf-8", extra: str = "") -> Page:
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if encoding == "gbk" \
        else '<meta charset="utf-8">'
    head = chrome.head(f"{title}_{spec.name}", spec.name, charset_meta=charset, extra=extra)
    text = chrome.document(head, chrome.nav(spec.name) + inner + chrome.footer(spec.name, "0000000000"))
    if encoding == "gbk":
        return html_page(text, encoding="gbk", content_type="text/html")
    return html_page(text)


def _links(items: list[tuple[str, str]], css: str = "links") -> str:
    return f'<ul class="{css}">' + "".join(f'<li><a href="{href}">{chrome.esc(text)}</a></li>'
                                           for text, href in items) + "</ul>"


def _distractors(spec: SiteSpec, site: DemoSite, prefix: str, which: tuple[int, ...], encoding: str = "utf-8",
                 suffix: str = "/index.html") -> list[tuple[str, str]]:
    """Serve distractor list pages under ``prefix`` and return their (link text, path)."""
    out = []
    for i in which:
        text, pattern = DISTRACTORS[i]
        path = f"{prefix}{DISTRACTOR_PATHS[i]}{suffix}"
        items = [(pattern.format(short=spec.short, year=y, next=y + 1), f"{prefix}{DISTRACTOR_PATHS[i]}/{y}.html")
                 for y in range(2024, 2020, -1)]
        rows = "".join(f'<li><a href="{h}">{chrome.esc(t)}</a><span>{t[len(spec.short):len(spec.short) + 4]}-03-01'
                       f"</span></li>" for t, h in items)
        site.pages[path] = _page(spec, text, f'<h2>{chrome.esc(text)}</h2><ul class="list">{rows}</ul>',
                                 encoding=encoding)
        out.append((text, path))
    return out


def _home(spec: SiteSpec, nav: str, extra: str = "") -> Page:
    inner = (f'<div class="banner"><h1>{chrome.esc(spec.name)}</h1></div>{nav}'
             f'<div class="news"><h3>要闻动态</h3><ul><li><a href="/">{chrome.esc(spec.short)}召开常务会议</a></li></ul></div>')
    return _page(spec, "首页", inner, extra=extra)


def _column_links(columns: list[Column], levels: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    return [(c.name, c.path) for c in columns if levels is None or c.body_level in levels]


def js_menu(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """The homepage menu in a JS variable; 政务公开 → 政府信息公开 → the columns and distractors."""
    menu = ('<script type="text/javascript">\nvar siteMenu = [{name:"首页",url:"/"},'
            '{name:"政务公开",url:"/zwgk/index.html"},{name:"政务服务",url:"/zwfw/index.html"},'
            '{name:"互动交流",url:"/hdjl/index.html"}];\n'
            'document.write("<ul class=\\"menu\\">");for(var i=0;i<siteMenu.length;i++){'
            'document.write("<li><a href=\\""+siteMenu[i].url+"\\">"+siteMenu[i].name+"</a></li>");}'
            'document.write("</ul>");\n</script>')
    site.pages["/"] = _home(spec, menu)
    zwgk = [("政府信息公开", "/zwgk/zfxxgkml/index.html")] + _distractors(spec, site, "/zwgk/", (2,))
    site.pages["/zwgk/index.html"] = _page(spec, "政务公开", "<h2>政务公开</h2>" + _links(zwgk))
    platform = ([("政府信息公开指南", "/zwgk/zfxxgkml/gkzn.html")] + _column_links(columns)
                + _distractors(spec, site, "/zwgk/zfxxgkml/", (0, 1)))
    site.pages["/zwgk/zfxxgkml/index.html"] = _page(spec, "政府信息公开", "<h2>政府信息公开</h2>" + _links(platform))


def tree(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """政务公开 → 法定主动公开内容 → 政府信息公开年报 → its sub-columns (GBK pages, as the site's are)."""
    site.pages["/"] = _home(spec, _links([("首页", "/"), ("政务公开", "/zwgk/index.html"), ("政务服务", "/zwfw/")], "nav"))
    left = ([("政府信息公开指南", "/zwgk/gkzn/index.html"), ("法定主动公开内容", "/zwgk/fdzdgknr/index.html")]
            + _distractors(spec, site, "/zwgk/", (2, 1), encoding="gbk"))
    site.pages["/zwgk/index.html"] = _page(spec, "政务公开", '<div class="left-tree">' + _links(left) + "</div>",
                                           encoding="gbk")
    fdzd = ([("机构职能", "/zwgk/jgzn/index.html"), ("政府信息公开年报", "/zwgk/zfxxgknb/index.html")]
            + _distractors(spec, site, "/zwgk/fdzdgknr/", (0, 3), encoding="gbk"))
    site.pages["/zwgk/fdzdgknr/index.html"] = _page(spec, "法定主动公开内容", _links(fdzd), encoding="gbk")
    crumb = '<div class="crumb">您当前的位置：<a href="/">首页</a> &gt; <a href="../">政务公开</a> &gt; 政府信息公开年报</div>'
    rel = [(name, "./" + path.removeprefix("/zwgk/zfxxgknb/")) for name, path in _column_links(columns)]
    site.pages["/zwgk/zfxxgknb/index.html"] = _page(spec, "政府信息公开年报", crumb + _links(rel, "sub-columns"),
                                                    encoding="gbk")


def separate_host(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """The www portal on its own host links to the 信息公开 platform host, where the columns are."""
    platform_home = "/col/col1229792400/index.html"
    site.portal_pages["/"] = _home(spec, _links([("首页", "/"), ("信息公开", BASE_TOKEN + platform_home),
                                                  ("政务服务", "/zwfw/")], "nav"))
    site.portal_pages["/robots.txt"] = Page(200, {"Content-Type": "text/plain; charset=utf-8"},
                                            b"User-agent: *\nAllow: /\n")
    platform = ([("政府信息公开制度", "/col/col1229792401/index.html")] + _column_links(columns)
                + _distractors(spec, site, "/col/", (0, 1, 4)))
    site.pages[platform_home] = site.pages["/"] = _page(spec, "政府信息公开", "<h2>政府信息公开</h2>" + _links(platform))


def gkmlpt(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """政府信息公开 → /gkmlpt/index (its TREE names the 年报 categories and the distractors)."""
    nav = [("首页", "/"), ("政府信息公开", "/gkmlpt/index")] + _distractors(spec, site, "/", (2, 0))
    site.pages["/"] = _home(spec, _links(nav, "nav"))


def split(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """年度报告 (the government's) in the platform tree; departments and streets under their own 信息公开."""
    own = _column_links(columns, ("government",))
    tree_links = ([("政府信息公开指南", "/gkzn/index.jhtml"), ("法定主动公开内容", "/fdzdgk/index.jhtml")] + own
                  + [("部门信息公开", "/bmxxgk/index.jhtml"), ("街道信息公开", "/jdxxgk/index.jhtml")]
                  + _distractors(spec, site, "/", (2, 0), suffix="/index.jhtml"))
    site.pages["/"] = _home(spec, '<div class="left-tree">' + _links(tree_links) + "</div>")
    site.pages["/bmxxgk/index.jhtml"] = _page(spec, "部门信息公开", "<h2>部门信息公开</h2>" + _links(
        [("部门政策文件", "/bmxxgk/zcwj/index.jhtml")] + _column_links(columns, ("department",))))
    site.pages["/jdxxgk/index.jhtml"] = _page(spec, "街道信息公开", "<h2>街道信息公开</h2>" + _links(
        _column_links(columns, ("town",)) + _distractors(spec, site, "/jdxxgk/", (1,), suffix="/index.jhtml")))


def per_department(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """信息公开 → 政府信息公开年报 › 县政府 / 部门 (one column per department) / 乡镇 / 产业集聚区."""
    site.pages["/"] = _home(spec, _links([("首页", "/"), ("信息公开", "/xxgk/index.html"), ("互动交流", "/hdjl/")], "nav"))
    xxgk = ([("政府信息公开年报", "/xxgk/ndbg/index.html")]
            + _distractors(spec, site, "/xxgk/", (4, 0, 1, 2)))
    site.pages["/xxgk/index.html"] = _page(spec, "信息公开", "<h2>信息公开</h2>" + _links(xxgk))
    departments = [c for c in columns if c.body_level == "department"]
    top = [(c.name, c.path) for c in columns if c.body_level != "department"]
    if len(departments) > 1:
        top.insert(1, ("部门年报", "/xxgk/ndbg/bm/index.html"))
        site.pages["/xxgk/ndbg/bm/index.html"] = _page(spec, "部门年报", '<h3 class="lm">部门年报</h3>' + _links(
            [(c.name, c.path) for c in departments]))
    else:
        top.insert(1, (departments[0].name, departments[0].path))
    site.pages["/xxgk/ndbg/index.html"] = _page(spec, "政府信息公开年报", _links(top))


SHAPES: dict[str, Callable[[SiteSpec, DemoSite, list[Column]], None]] = {
    "js_menu": js_menu, "tree": tree, "separate_host": separate_host, "gkmlpt": gkmlpt, "split": split,
    "per_department": per_department,
}


def build(spec: SiteSpec, site: DemoSite, columns: list[Column]) -> None:
    """Add the site's portal pages in its shape (``spec.portal_shape``)."""
    SHAPES[spec.portal_shape](spec, site, columns)
