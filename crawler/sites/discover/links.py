"""Links of a page as discovery sees them: every <a href> (also inside CDATA and script strings) and
every menu entry written in a JS variable (``{name:'政务公开', url:'/zwgk/'}``).

Read from the page text with regular expressions, not a DOM: Hanweb keeps its
list in ``<script type="text/xml">`` CDATA and many portals build their menus
from a script, and neither is in the DOM an HTML parser gives.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

_ANCHOR_RE = re.compile(r"<a\b([^>]*)>(.*?)</a\s*>", re.I | re.S)
_HREF_RE = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
_TITLE_RE = re.compile(r"""\btitle\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_TAG_RE = re.compile(r"<[^>]+>")
_SCRIPT_RE = re.compile(r"<script\b[^>]*>(.*?)</script\s*>", re.I | re.S)
_OBJECT_RE = re.compile(r"\{[^{}]*\}")
_STRING_RE = re.compile(r"""(\w+)["']?\s*:\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_URL_KEYS = ("url", "href", "link", "path", "src", "jump_url", "linkurl", "u")


@dataclass(frozen=True)
class Link:
    """A link: absolute URL, its text (title attribute first), and the page it was found on."""

    url: str
    text: str
    page: str


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(_TAG_RE.sub(" ", text or "")).replace("\xa0", " ")).strip()


def _absolute(base: str, href: str) -> str | None:
    href = html.unescape(href.strip())
    if not href or href.startswith(("javascript:", "#", "mailto:", "tel:")):
        return None
    url = urljoin(base, href).split("#")[0]
    return url if urlsplit(url).scheme in ("http", "https") else None


def anchors(text: str, base: str) -> list[Link]:
    """Every ``<a href>`` in the page text, in order, with its title attribute or else its text."""
    out = []
    for attrs, inner in _ANCHOR_RE.findall(text):
        m = _HREF_RE.search(attrs)
        if not m:
            continue
        url = _absolute(base, next(g for g in m.groups() if g is not None))
        if url is None:
            continue
        t = _TITLE_RE.search(attrs)  # the title attribute first: list texts are often cut short (…)
        label = _clean(next(g for g in t.groups() if g is not None)) if t else ""
        label = label or _clean(inner)
        if not label:  # an image link: its alt text
            alt = re.search(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", inner, re.I)
            label = _clean(next(g for g in alt.groups() if g is not None)) if alt else ""
        out.append(Link(url, label, base))
    return out


def script_menu_links(text: str, base: str) -> list[Link]:
    """Menu entries written in scripts: each ``{…}`` with a Chinese name and a URL-like string."""
    out = []
    for script in _SCRIPT_RE.findall(text):
        for obj in _OBJECT_RE.findall(script):
            values = {k.lower(): (a if a is not None and a != "" else b) for k, a, b in _STRING_RE.findall(obj)}
            name = next((v for k, v in values.items() if k not in _URL_KEYS and _CJK_RE.search(v or "")), None)
            href = next((values[k] for k in _URL_KEYS if values.get(k)), None)
            if name and href:
                url = _absolute(base, href.replace("\\/", "/"))
                if url:
                    out.append(Link(url, _clean(name), base))
    return out


def page_links(text: str, base: str) -> list[Link]:
    """Anchors then script menu entries, each URL once (the first text seen wins)."""
    seen: set[str] = set()
    out = []
    for link in anchors(text, base) + script_menu_links(text, base):
        if link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return out
