"""HTML → Document: the article body among the page chrome, its tables as grids, its metadata.

The body is the first known CMS container (#zoom, .TRS_Editor, #UCAP-CONTENT,
.article-content, div.article_component, Hanweb's ZJEG_RSS markers …) or else
the block holding the most paragraph text. Title, agency and date may sit
only in the chrome or in meta tags (ArticleTitle, PubDate, ContentSource).
"""

from __future__ import annotations

import re
from collections import defaultdict

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from crawler.extract.document import MAX_LINES, Document, Line
from crawler.extract.grid import BLOCK_TAGS, SKIP_TAGS, table_rows
from crawler.extract.meta import strip_site_name
from crawler.extract.textdoc import text_lines
from crawler.extract.treefacts import TreeFacts
from crawler.extract.values import normalize_width

CONTAINERS = (
    "#zoom", ".TRS_Editor", "#UCAP-CONTENT", ".article-content", "div.article_component", ".article_con",
    "#xxgk_content", ".xxgk_content", "#Zoom", ".zoom", ".pages_content", "#content", ".content", "article",
)
_HANWEB = re.compile(r"<!--\s*ZJEG_RSS\.content\.begin\s*-->(.*?)<!--\s*ZJEG_RSS\.content\.end\s*-->", re.S | re.I)
_SPACE = re.compile(r"[ \t\u00a0\u3000]+")
# Bulk that carries no text: scripts, styles and inline images (data: URIs make pages of many megabytes).
_NO_TEXT = re.compile(r"<script\b.*?</script\s*>|<style\b.*?</style\s*>|data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]{200,}",
                      re.S | re.I)
MAX_HTML_CHARS = 3_000_000
MAX_TABLES = 5_000  # a report page has a handful of tables, a long list page some hundreds
_TABLE_TAG = re.compile(r"<table\b", re.I)
_META_TITLE = ("ArticleTitle", "articletitle", "og:title", "title", "Title")
_META_DATE = ("PubDate", "pubdate", "publishdate", "firstpublishedtime", "article:published_time", "PublishDate", "dc.date")
_META_SOURCE = ("ContentSource", "contentsource", "source", "author", "Author")


def too_many_tables(text: str) -> int | None:
    """The number of <table> tags when above MAX_TABLES (checked on the text, before any parsing), else None."""
    tables = len(_TABLE_TAG.findall(text))
    return tables if tables > MAX_TABLES else None


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return bool(re.search(r"<(?:!doctype html|html|head|body|div|table|p|meta|span|td)[\s>]", head))


def _lines(root: Tag, facts: TreeFacts | None = None) -> list[Line]:
    """Text lines in reading order; each table row becomes one grid line."""
    facts = facts or TreeFacts(root)
    lines: list[Line] = []
    buf: list[str] = []

    def flush() -> None:
        text = _SPACE.sub(" ", "".join(buf)).strip()
        buf.clear()
        for part in text.split("\n"):
            if part.strip():
                lines.append(Line([part.strip()]))

    stack: list[object] = [root]
    # Iterative walk: pages nest deeply enough to break recursion.
    while stack and len(lines) < MAX_LINES:
        node = stack.pop()
        if node == "\x00flush":
            flush()
            continue
        if isinstance(node, (Comment, Doctype)):
            continue
        if isinstance(node, NavigableString):
            buf.append(str(node).replace("\n", " "))
            continue
        if not isinstance(node, Tag) or node.name in SKIP_TAGS:
            continue
        if node.name == "table" and not facts.has_table(node):
            flush()
            for row in table_rows(node):
                if len(row) > 1 or any(c.strip() for c in row):
                    lines.append(Line(row, grid=True))
            continue
        # A table holding tables lays out the page (an old CMS's article column): walk into its cells.
        if node.name in BLOCK_TAGS:
            flush()
            stack.append("\x00flush")
        stack.extend(reversed(node.contents))
    flush()
    return _split_text_runs(lines)


def _split_text_runs(lines: list[Line]) -> list[Line]:
    """Text between tables may itself be a flattened table ('规章 | 0 | 0 | 0'): split it like plain text."""
    out: list[Line] = []
    run: list[str] = []
    for line in lines:
        if line.grid:
            out.extend(text_lines("\n".join(run)))
            run.clear()
            out.append(line)
        else:
            run.append(line.cells[0])
    out.extend(text_lines("\n".join(run)))
    return out


def _biggest_block(body: Tag, facts: TreeFacts) -> Tag:
    """The element whose paragraphs and tables hold the most text (readability-style scoring)."""
    scores: dict[int, float] = defaultdict(float)
    nodes: dict[int, Tag] = {}
    for el in body.find_all(["p", "table", "span", "font", "td"], limit=20000):
        if el.name in ("span", "font", "td") and facts.holder(el) is not None:
            continue
        text_len = facts.text_len(el)
        parent = el.parent
        for weight in (1.0, 0.5):
            if not isinstance(parent, Tag):
                break
            scores[id(parent)] += text_len * weight
            nodes[id(parent)] = parent
            parent = parent.parent
    if not scores:
        return body
    return nodes[max(scores, key=scores.__getitem__)]


def _metas(soup: BeautifulSoup) -> dict[str, str]:
    """Every <meta name|property=… content=…> of the page, read in one pass."""
    out: dict[str, str] = {}
    for tag in soup.find_all("meta"):
        key = str(tag.get("name") or tag.get("property") or "").strip()
        content = str(tag.get("content") or "").strip()
        if key and content and key not in out:
            out[key] = content
    return out


def _first(metas: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((metas[n] for n in names if n in metas), None)


def _selector_parts(selector: str) -> tuple[str | None, str, str]:
    """'div.article_component' → ('div', 'class', 'article_component'); '#zoom' → (None, 'id', 'zoom')."""
    tag, _, rest = selector.partition("#") if "#" in selector else selector.partition(".")
    kind = "id" if "#" in selector else ("class" if "." in selector else "tag")
    return (tag or None), kind, (rest or selector)


_SELECTORS = tuple(_selector_parts(s) for s in CONTAINERS)
_NAMES = frozenset(name for _, _, name in _SELECTORS)  # ids, classes and tags worth a closer look


_TITLE_CLASSES = frozenset({"article_title", "title", "article-title", "tit"})
_FILE_HREF = re.compile(r"\.(?:pdf|docx?|xlsx?|wps|ofd|rtf|zip)(?:[?#]|$)", re.I)


def _links_a_file(el: Tag) -> bool:
    """A short article body that links a PDF/Word/Excel file: the report is the attachment, the body is
    still the article (the page's other blocks, a list of other years' reports, are not)."""
    return any(_FILE_HREF.search(str(a.get("href") or "").strip()) for a in el.find_all("a", href=True))


def find_container(soup: BeautifulSoup, titles: list[str] | None = None, facts: TreeFacts | None = None) -> Tag:
    """The first known CMS container holding a table, some text or a linked file, in CONTAINERS' order;
    else the biggest block.

    Headings that name a report are collected into `titles` on the same pass.
    """
    facts = facts or TreeFacts(soup)
    found: dict[int, Tag] = {}
    for el in soup.find_all(True):
        el_id = el.get("id")
        classes = el.get("class") or ()
        if titles is not None and (el.name in ("h1", "h2") or _TITLE_CLASSES.intersection(classes)) and (
                facts.stripped_len(el) <= 100):
            t = el.get_text(" ", strip=True)
            if ("报告" in t or "年报" in t) and len(t) <= 100:
                titles.append(t)
        if el_id not in _NAMES and el.name not in _NAMES and _NAMES.isdisjoint(classes):
            continue
        for n, (tag, kind, name) in enumerate(_SELECTORS):
            if n in found or (tag and el.name != tag):
                continue
            if (kind == "id" and el_id == name) or (kind == "class" and name in classes) or (
                    kind == "tag" and el.name == name):
                if facts.has_table(el) or facts.stripped_len(el) >= 200 or _links_a_file(el):
                    found[n] = el
    if found:
        return found[min(found)]
    body = soup.body or soup
    return _biggest_block(body, facts)


def html_document(text: str, url: str | None = None) -> tuple[Document, Document]:
    """(article body, whole page) as Documents; metadata from meta tags and chrome is set on both."""
    if len(text) > 200_000:
        text = _NO_TEXT.sub("", text)[:MAX_HTML_CHARS]
    hanweb = _HANWEB.search(text)
    soup = BeautifulSoup(text, "lxml")
    page_root = soup.body or soup
    facts = TreeFacts(soup)  # one linear pass: no subtree walk per element (nested tables)
    titles: list[str] = []
    container_root = find_container(soup, titles, facts)
    if hanweb:
        container = BeautifulSoup(hanweb.group(1), "lxml")
        body_root: Tag = container.body or container
        body = Document(lines=_lines(body_root), url=url)
    else:
        body_root = container_root
        body = Document(lines=_lines(body_root, facts), url=url)
    if body_root is page_root:
        page = body
    else:
        page = Document(url=url, pending=lambda: _lines(page_root, facts), plain=lambda: page_root.get_text("\n"))
    metas = _metas(soup)
    title = _first(metas, _META_TITLE[:2])
    heading = titles[0] if titles else None
    if not heading and soup.title:
        heading = soup.title.get_text(" ", strip=True)
    date = _first(metas, _META_DATE)
    for doc in (body, page):
        doc.title = strip_site_name(normalize_width(title).strip()) if title else None
        doc.heading = strip_site_name(normalize_width(heading).strip()) if heading else None
        doc.agency = _first(metas, _META_SOURCE[:2])
        if date:
            m = re.search(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", date)
            if m:
                y, mo, d = (int(g) for g in m.groups())
                doc.published = f"{y:04d}-{mo:02d}-{d:02d}"
                doc.published_source = "meta"
    return body, page
