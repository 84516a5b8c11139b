"""Guangdong gkmlpt (大埔县): /gkmlpt/index with window._CONFIG, a JSON list API, JSON-in-page details.

/gkmlpt/index declares SID and the category TREE; /gkmlpt/api/all/{cat}?page=N&sid=SID
returns ``classify.post_count`` and ``articles[]``; details live at
/gkmlpt/content/A/B/post_ID.html with the body both in
``_CONFIG.DETAIL.content`` (JSON) and in div.article-content.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json

from crawler.demo import chrome
from crawler.demo.articles import Article
from crawler.demo.catalog import SiteSpec
from crawler.demo.families import BASE_TOKEN, html_page, page_size_for
from crawler.demo.model import Column, DemoSite, Page, Request

SID = "753"
_CATS = {"government": 2597, "department": 2598, "town": 2599, "zone": 2600}
_PARENT = 2590
# Categories beside the 年报 one on real platforms: never report columns.
_OTHER_CATS = ((2601, "国民经济和社会发展统计公报"), (2602, "财政预决算"), (2603, "政府工作报告"),
               (2604, "法治政府建设年度报告"))


def api_path(cat: int) -> str:
    return f"/gkmlpt/api/all/{cat}"


def make_columns(spec: SiteSpec) -> list[Column]:
    return [Column(name, level, f"{api_path(_CATS[level])}?page=1&sid={SID}") for level, name in spec.column_names.items()]


def _post_id(a: Article) -> int:
    return 2590000 + a.uid * 53


def _detail_path(a: Article) -> str:
    pid = _post_id(a)
    return f"/gkmlpt/content/{pid // 1000000}/{pid // 1000}/post_{pid}.html"


def _timestamp(a: Article) -> int:
    """created_at as the API gives it: seconds since the epoch (09:xx China time)."""
    moment = dt.datetime.combine(a.published, dt.time(1, a.uid % 60))  # 09:xx +08:00 is 01:xx UTC
    return calendar.timegm(moment.timetuple())


def _entry(a: Article) -> dict:
    return {
        "id": _post_id(a),
        "title": a.title,
        "publisher": a.agency,
        "identifier": a.index_no,
        "created_at": _timestamp(a),
        "date": a.date_iso,
        "url": BASE_TOKEN + a.path,
        "post_url": a.path,
        "attachment": [],
        "document_number": "",
    }


def _json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _script_json(obj: object) -> str:
    """JSON safe inside <script>: no '</' that would end the element."""
    return json.dumps(obj, ensure_ascii=False).replace("</", "<\\/")


def api_handler(spec: SiteSpec, cats: dict[int, tuple[Column, list[Article], int]]):
    """GET /gkmlpt/api/all/{cat}?page=N&sid=SID: one page of a category, newest first."""

    def handle(req: Request) -> Page:
        try:
            cat = int(req.path.rsplit("/", 1)[1])
            page = int(req.params.get("page") or 1)
        except ValueError:
            return Page(400, {"Content-Type": "application/json"}, b'{"error":"bad request"}')
        if cat not in cats or req.params.get("sid", SID) != SID:
            return Page(404, {"Content-Type": "application/json"}, b'{"error":"not found"}')
        col, articles, size = cats[cat]
        chosen = articles[(page - 1) * size:page * size] if page >= 1 else []
        body = {"classify": {"id": cat, "name": col.name, "parent": 0 if cat == _PARENT else _PARENT,
                             "post_count": len(articles)},
                "articles": [_entry(a) for a in chosen], "page": page, "per_page": size}
        return Page(200, {"Content-Type": "application/json; charset=utf-8"}, _json(body))

    return handle


def _index_page(spec: SiteSpec, columns: list[tuple[Column, list[Article]]]) -> str:
    tree = [{"id": _PARENT, "name": "政府信息公开年报", "parent": 0, "children": [
        {"id": _CATS[c.body_level], "name": c.name, "parent": _PARENT, "children": []} for c, _ in columns]}]
    tree += [{"id": cat, "name": name, "parent": 0, "children": []} for cat, name in _OTHER_CATS]
    config = (f"window._CONFIG = {{SID:'{SID}', SITE_NAME:'{spec.name}', ROOT:'/gkmlpt', "
              f"TREE:{_script_json(tree)}, API_ALL:'/gkmlpt/api/all/'}};")
    head = chrome.head(f"{spec.name}政府信息公开目录", spec.name, extra=f"<script>{config}</script>")
    body = (chrome.nav(spec.name) + '<div id="app"><div class="gkml-tree"></div><div class="gkml-list">'
            '<noscript>请开启浏览器JavaScript功能</noscript></div></div>' + chrome.footer(spec.name, "4414220001"))
    return chrome.document(head, body)


def _detail_page(spec: SiteSpec, col: Column, a: Article) -> str:
    detail = {"id": _post_id(a), "title": a.title, "publisher": a.agency, "identifier": a.index_no,
              "created_at": _timestamp(a), "date": a.date_iso, "classify_main_name": col.name,
              "content": a.body_html, "attachment": []}
    config = f"window._CONFIG = {{SID:'{SID}', DETAIL:{_script_json(detail)}}};"
    head = chrome.head(a.title, spec.name, article=a, column_name=col.name, extra=f"<script>{config}</script>")
    inner = (f'<div class="content-box">{chrome.meta_table(a)}<div class="article"><h1 class="title">'
             f'{chrome.esc(a.title)}</h1><div class="article-content">{a.body_html}</div></div></div>')
    return chrome.document(head, chrome.nav(spec.name) + inner + chrome.footer(spec.name, "4414220001"))


def build(spec: SiteSpec, site: DemoSite, columns: list[tuple[Column, list[Article]]]) -> None:
    cats: dict[int, tuple[Column, list[Article], int]] = {}
    for col, articles in columns:
        for a in articles:
            a.path = _detail_path(a)
        cats[_CATS[col.body_level]] = (col, articles, page_size_for(len(articles), spec.page_size))
        for a in articles:
            site.pages[a.path] = html_page(_detail_page(spec, col, a))
    site.pages["/gkmlpt/index"] = html_page(_index_page(spec, columns))
    everything = sorted((a for _, arts in columns for a in arts), key=lambda a: (a.published, a.uid), reverse=True)
    parent = Column("政府信息公开年报", "", api_path(_PARENT))
    cats[_PARENT] = (parent, everything, spec.page_size)  # api/all of a parent includes its sub-categories
    handler = api_handler(spec, cats)
    for cat in cats:
        site.pages[api_path(cat)] = handler
