"""One module per CMS family: URL layout, list pages and article pages of a demo site.

Each module has ``make_columns(spec) -> list[Column]`` and
``build(spec, site, columns)`` where ``columns`` pairs each Column with its
articles (newest first); ``build`` sets every ``Article.path`` and fills
``site.pages``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

from crawler.demo.model import Page

T = TypeVar("T")

BASE_TOKEN = "{{base}}"  # replaced by the server with the site's live base URL


def html_page(text: str, encoding: str = "utf-8", content_type: str | None = None) -> Page:
    """A 200 text/html page; GBK pages may omit the charset from the header, as old CMSs do."""
    ctype = content_type or f"text/html; charset={encoding}"
    return Page(200, {"Content-Type": ctype}, text.encode(encoding))


def page_size_for(articles: int, site_size: int) -> int:
    """The site's page size, smaller for short columns so every column has two pages."""
    return max(1, min(site_size, math.ceil(articles / 2)))


def chunks(items: Sequence[T], size: int) -> list[list[T]]:
    return [list(items[i:i + size]) for i in range(0, len(items), size)] or [[]]
