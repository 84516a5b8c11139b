"""Downloader middlewares that count what a hostile or broken server does, instead of dropping it silently.

* `CountedHttpCompressionMiddleware`: Scrapy's decompression, capped at
  DOWNLOAD_MAXSIZE as before, but a body that inflates past the cap (a gzip
  bomb) is counted as ``too_large`` for its site (Scrapy's IgnoreRequest
  reaches no other middleware's counters).
* `RedirectGuardMiddleware`: a redirect to the page itself, to a non-HTTP
  scheme (``file:``, ``ftp:``), or from a site to a loopback, private or
  link-local address that is not one of the site's hosts is counted by kind
  (``redirect_self``, ``redirect_scheme``, ``redirect_private``) and not
  followed. A redirect to itself that sets a cookie (a WAF handing one out)
  is followed once.

Each of these is also counted as ``hostile`` for its site, which raises the
site's alarm (crawler.crawl.health.site_alarm) whatever else the site yielded; a
plain oversized download (too_large without a bomb) is not hostile.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import urldefrag, urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from w3lib.url import safe_url_string

from crawler.crawl.middlewares import stats_site

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = {301, 302, 303, 307, 308}
#: Redirects a site must not send: off the public web.
HOSTILE_REDIRECTS = frozenset({"redirect_scheme", "redirect_private"})


def count_fault(crawler: Crawler, request: Request, kind: str, *, hostile: bool = False) -> None:
    """One error of `kind` for the request's site; `hostile` ones also raise its alarm."""
    site = stats_site(request, crawler)
    crawler.stats.inc_value(f"nianbao/errors/{kind}")
    crawler.stats.inc_value(f"nianbao/site/{site}/errors/{kind}")
    if hostile:
        crawler.stats.inc_value("nianbao/hostile")
        crawler.stats.inc_value(f"nianbao/site/{site}/hostile")


class CountedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """HttpCompressionMiddleware (590) whose refusals of a too-large body are counted per site."""

    def __init__(self, stats=None, *, crawler: Crawler | None = None):
        super().__init__(stats=stats, crawler=crawler)
        self._crawler = crawler

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        try:
            return super().process_response(request, response)
        except IgnoreRequest as e:
            if self._crawler is not None:
                count_fault(self._crawler, request, "too_large", hostile=True)
            logger.error("too large once decompressed, not read: %s (%s)", response.url, e)
            raise


def _non_public_host(host: str) -> bool:
    """localhost, or a literal address that is loopback, private, link-local, reserved or unspecified."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False  # a name: not resolved here (that would block the reactor)
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_reserved or ip.is_unspecified


def _link_local(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_link_local
    except ValueError:
        return False


def redirect_kind(source_url: str, target_url: str, site_hosts: set[str]) -> str | None:
    """Why a redirect from `source_url` to `target_url` must not be followed, or None.

    A loopback or private target is fine when it is the page's own host or one
    of its site's hosts (the demo web runs on loopback); link-local (cloud
    metadata addresses) never is.
    """
    target = urlsplit(target_url)
    if target.scheme.lower() not in ("http", "https"):
        return "redirect_scheme"
    if urldefrag(target_url)[0] == urldefrag(source_url)[0]:
        return "redirect_self"
    host = (target.hostname or "").lower()
    source_host = (urlsplit(source_url).hostname or "").lower()
    if _link_local(host):
        return "redirect_private"
    if _non_public_host(host) and host != source_host and host not in site_hosts:
        return "redirect_private"
    return None


class RedirectGuardMiddleware:
    """Above RedirectMiddleware (600): sees each 3xx first and stops the redirects that must not be followed."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectGuardMiddleware:
        return cls(crawler)

    def _site_hosts(self, request: Request) -> set[str]:
        site = stats_site(request, self.crawler)
        for s in getattr(self.crawler.spider, "sites", None) or []:
            if s.slug == site:
                return {h.lower() for h in getattr(s, "allowed_domains", ())}
        return set()

    def process_response(self, request: Request, response: Response, spider=None) -> Request | Response:
        location = response.headers.get(b"Location")
        if response.status not in REDIRECT_STATUSES or not location or request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1").strip()))
        kind = redirect_kind(request.url, target, self._site_hosts(request))
        if kind is None:
            return response
        count_fault(self.crawler, request, kind, hostile=kind in HOSTILE_REDIRECTS)
        if kind == "redirect_self" and response.headers.get(b"Set-Cookie") and not request.meta.get("self_redirected"):
            # A WAF's cookie on a 302 to the same page: ask once more, with the cookie (the dupefilter
            # would drop the redirect otherwise).
            return request.replace(dont_filter=True, meta={**request.meta, "self_redirected": True})
        logger.error("redirect not followed (%s): %s -> %s", kind, request.url, target)
        raise IgnoreRequest(f"{kind}: {request.url} -> {target}")
