"""How a list goes on past its first page: paging scripts, "下一页" links, pages named after the first.

Shared by several families, whose CMSs page the same few ways; nothing here fetches.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import urljoin, urlsplit

from scrapy.http import Response, TextResponse

from crawler.spiders.entries import clean

_NEXT_TEXTS = {"下一页", "下页", "后页", "下一頁", ">", "›", "»", ">>", "下一页>", "下一页>>"}
_LIST_PATH_RE = re.compile(r"(/|/index(_\d+)?\.[a-z]+|/list(_\d+)?\.[a-z]+)$", re.I)


class Paging(NamedTuple):
    """What a list page's paging script says: page count, this page (0 = the first), file name and
    extension of the other pages, and the number the second page's file carries."""

    total: int
    current: int
    name: str
    ext: str
    first_suffix: int = 1


def js_paging(text: str, url: str, page: int = 0) -> Paging | None:
    """TRS-style paging scripts in a list page's ``text`` as a :class:`Paging`, or None.

    Understands ``createPageHTML(total, current0, "index", "html")``, the
    six-argument form ``createPageHTML('page_div', total, current1, "list",
    "shtml", records)`` (its current page counts from 1 and page 2 is
    ``list_2.shtml``), and ``var countPage = N`` with an optional
    ``var currentPage = N`` (else ``page``, the page the request asked for).
    """
    for m in re.finditer(r"createPageHTML\s*\(([^)]*)\)", text):
        # The first call with numbers; a template may also define the function itself.
        args = [a.strip().strip("'\"") for a in m.group(1).split(",")]
        div_first = bool(args) and not args[0].isdigit()
        while args and not args[0].isdigit():
            args.pop(0)
        if len(args) >= 2 and args[0].isdigit() and args[1].isdigit():
            name = args[2] if len(args) > 2 and args[2] else "index"
            ext = args[3] if len(args) > 3 and args[3] else ext_of(url)
            if div_first:  # createPageHTML('page_div', total, current1, name, ext, records)
                return Paging(int(args[0]), max(int(args[1]) - 1, 0), name, ext, 2)
            return Paging(int(args[0]), int(args[1]), name, ext)
    m = re.search(r"var\s+countPage\s*=\s*['\"]?(\d+)", text)
    if m:
        cur = re.search(r"var\s+currentPage\s*=\s*['\"]?(\d+)", text)
        current = int(cur.group(1)) if cur else page
        return Paging(int(m.group(1)), current, "index", ext_of(url))
    return None


def next_page_link(response: Response) -> str | None:
    """The "下一页" link of a list page, else the numbered link after the current page."""
    base = response.url
    numbered = {}
    for a in response.css("a[href]"):
        href = (a.attrib.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "#")):
            continue
        url = urljoin(base, href).split("#")[0]
        if url == base:
            continue
        text = clean(" ".join(a.xpath(".//text()").getall())) or clean(a.attrib.get("title"))
        if text in _NEXT_TEXTS or text.replace(" ", "") in _NEXT_TEXTS:
            return url
        if text.isdigit():
            numbered.setdefault(int(text), url)
    current = response.meta.get("page_number", 1)
    return numbered.get(current + 1)


def page_url(column_page_url: str, name: str, ext: str, page: int, first_suffix: int = 1) -> str:
    """Page ``page`` (0 = the first) of the list whose first page is ``column_page_url``.

    The second page is ``name_<first_suffix>.ext``: ``index_1.html`` for TRS's four-argument
    ``createPageHTML``, ``list_2.shtml`` for its six-argument form.
    """
    if page == 0:
        return column_page_url
    return urljoin(column_page_url, f"{name}_{page - 1 + first_suffix}.{ext}")


def ext_of(url: str) -> str:
    """The extension of a list page URL (``html`` when it has none)."""
    path = urlsplit(url).path
    m = re.search(r"\.([A-Za-z]+)$", path)
    return m.group(1) if m else "html"


def looks_like_list(url: str) -> bool:
    """True for a URL that is a list page rather than an article (``…/``, ``index_2.html``, ``?page=3``)."""
    parts = urlsplit(url)
    return bool(_LIST_PATH_RE.search(parts.path) or re.search(r"(^|&)(page|pageNo|pageIndex)=", parts.query))


def numbered_siblings(text: str, stem: str, ext: str) -> list[int]:
    """The N of every ``<stem>_<N>.<ext>`` the page names (href, option, script), in the order named."""
    out: list[int] = []
    pattern = re.compile(r"(?<![\w.-])" + re.escape(stem) + r"_(\d+)\." + re.escape(ext) + r"(?![\w])", re.I)
    for m in pattern.finditer(text):
        number = int(m.group(1))
        if number not in out:
            out.append(number)
    return out


def next_sibling_page(response: Response) -> tuple[str, dict[str, Any]] | None:
    """The next page of a list whose pages are ``<first page>_<N>.html``, found whatever the paging links say.

    Some CMSs (动易, 科讯 and their copies) number a column's pages backwards, ``index_<colid>.html`` then
    ``index_<colid>_<N-1>.html`` down to ``_1``, so that old pages never change; their pager links often carry
    no text (images) or sit in a hidden block drawn by a script. The first page names the numbers: the first
    one named is page 2, and when it is the largest the list counts down (to 1, whether later pages link
    it or not); otherwise it counts up as far as the pages name. Returns (URL, meta to carry) or None.
    """
    meta = response.meta
    stem, ext, here = meta.get("sibling_stem"), meta.get("sibling_ext"), meta.get("sibling_n")
    if stem is None:
        name = urlsplit(response.url).path.rsplit("/", 1)[-1]
        stem, dot, ext = name.rpartition(".")
        if not dot or not stem or not re.fullmatch(r"s?html?", ext, re.I):
            return None
    text = response.text if isinstance(response, TextResponse) else ""
    numbers = [number for number in numbered_siblings(text, stem, ext) if number != here]
    step, last = meta.get("sibling_step", 0), meta.get("sibling_last", 0)
    seen = list(meta.get("sibling_seen") or [])
    if here is None:
        if not numbers:
            return None
        nxt = numbers[0]
        step = (-1 if nxt == max(numbers) else 1) if len(numbers) > 1 else 0
        last = min(numbers + [1]) if step == -1 else max(numbers)
    elif step == -1:
        nxt = here - 1 if here - 1 >= min(last, 1) else None
    elif step == 1:
        last = max([last, *numbers])
        nxt = here + 1 if here + 1 <= last else None
    else:
        nxt = next((number for number in numbers if number not in seen), None)
    if nxt is None or nxt in seen:
        return None
    url = urljoin(response.url, f"{stem}_{nxt}.{ext}")
    return url, {"sibling_stem": stem, "sibling_ext": ext, "sibling_n": nxt, "sibling_step": step,
                 "sibling_last": last, "sibling_seen": [*seen, nxt]}
