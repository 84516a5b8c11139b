"""Helpers for spider tests: saved pages as responses, one-site registries.

Like city-scrapers-core's ``file_response``: a page saved in ``tests/files``
is read as bytes (a GBK page stays GBK) and wrapped in a response carrying
the URL it was published at and the ``meta`` of the request that fetched it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request, Response, TextResponse

from crawler.sites.registry import Column, Site

FILES = Path(__file__).resolve().parents[1] / "tests" / "files"


def file_response(name: str, url: str, *, request: Request | None = None, meta: dict | None = None,
                  status: int = 200, headers: dict | None = None) -> Response:
    """A response for ``tests/files/<name>`` as published at ``url`` (HTML, else text for .json/.xml)."""
    body = (FILES / name).read_bytes()
    request = request or Request(url, meta=meta or {})
    cls = TextResponse if name.endswith((".json", ".xml")) else HtmlResponse
    return cls(url=url, body=body, encoding=None, request=request, status=status, headers=headers)


def response_for(request: Request, name: str, *, status: int = 200, url: str | None = None) -> Response:
    """The saved page ``name`` as the answer to ``request`` (its meta flows on)."""
    return file_response(name, url or request.url, request=request, status=status)


def one_site(family: str, column_urls: list[str], *, slug: str = "testsite", domains: list[str] | None = None,
             body_level: str = "government", **settings: Any) -> Site:
    """A registry entry of ``family`` with the given column URLs."""
    from urllib.parse import urlsplit

    hosts = domains or sorted({urlsplit(u).hostname or "" for u in column_urls})
    return Site(
        slug=slug,
        name=f"{slug} test site",
        code="410308",
        level="district",
        family=family,
        columns=[Column(name=f"column {i}", url=u, body_level=body_level) for i, u in enumerate(column_urls)],
        allowed_domains=hosts,
        settings=settings,
    )
