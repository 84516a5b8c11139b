"""A small polite fetcher for discovery: robots.txt obeyed, a pause per host, a request budget, a cache.

The cache is the resume state: every answer (robots.txt included) is kept by
URL, so a re-run reads what an interrupted one already fetched and asks the
site only for what is new. Requests are counted per fetcher (one fetcher per
site); when the budget is spent :class:`BudgetSpent` is raised and the walk
ends with what it has.
"""

from __future__ import annotations

import urllib.error
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

from crawler.exceptions import ExtractError
from crawler.extract.decode import decode_bytes
from crawler.sites.check import (
    NETWORK_ERRORS,
    USER_AGENT,
    Fetcher,
    network_reason,
    pause_for_host,
    urllib_fetch,
)


class BudgetSpent(Exception):
    """The site's request budget is used up."""


@dataclass
class Page:
    """One fetched page as discovery reads it: decoded text, never bytes."""

    url: str
    status: int
    content_type: str
    text: str
    final_url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def to_json(self) -> dict:
        return {"url": self.url, "status": self.status, "content_type": self.content_type, "text": self.text,
                "final_url": self.final_url}

    @classmethod
    def from_json(cls, d: dict) -> Page:
        return cls(d["url"], int(d["status"]), d.get("content_type", ""), d.get("text", ""), d.get("final_url", d["url"]))


def decode(body: bytes, url: str) -> str:
    """Page bytes as text by the extractor's one decoding rule (what the spiders read); undecodable, replaced."""
    try:
        return decode_bytes(body, url)
    except ExtractError:
        return body.decode("utf-8", errors="replace")


class PoliteFetcher:
    """GETs for one site: robots.txt first (per host), ``delay`` seconds between requests to a host,
    at most ``max_requests`` network requests, answers kept in ``cache`` (URL → Page JSON)."""

    def __init__(self, fetch: Fetcher | None = None, *, delay: float = 1.0, max_requests: int = 30,
                 cache: dict[str, dict] | None = None, timeout: float = 20.0, user_agent: str = USER_AGENT):
        self._fetch = fetch or urllib_fetch(timeout)
        self.delay = delay
        self.max_requests = max_requests
        self.cache = cache if cache is not None else {}
        self.user_agent = user_agent
        self.requests = 0  # network requests made by this fetcher (cached answers are free)
        self.refused: list[str] = []  # URLs robots.txt does not allow
        self.errors: dict[str, str] = {}  # URL → why it could not be fetched
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._last_hit: dict[str, float] = {}

    def get(self, url: str) -> Page | None:
        """The page at ``url`` (from the cache when there), or None when robots.txt forbids it or it failed."""
        if url in self.cache:
            return Page.from_json(self.cache[url])
        if not self.allowed(url):
            self.refused.append(url)
            return None
        return self._network(url)

    def allowed(self, url: str) -> bool:
        """What the host's robots.txt says of ``url`` for nianbao's User-Agent."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(origin)
        if parser is None:
            parser = self._robots[origin] = self._read_robots(origin + "/robots.txt")
        return parser.can_fetch(self.user_agent, url)

    def _read_robots(self, robots_url: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        page = Page.from_json(self.cache[robots_url]) if robots_url in self.cache else self._network(robots_url)
        if page is None or page.status in (404, 410) or page.status >= 500 or not page.text.strip():
            parser.allow_all = True  # no robots.txt (or none readable): everything is allowed
        elif page.status in (401, 403):
            parser.disallow_all = True
        else:
            parser.parse(page.text.splitlines())
        return parser

    def _network(self, url: str) -> Page | None:
        if self.requests >= self.max_requests:
            raise BudgetSpent(url)
        pause_for_host(self._last_hit, urlsplit(url).netloc, self.delay)
        self.requests += 1
        try:
            status, headers, body, final_url = self._fetch(url)
        except NETWORK_ERRORS as e:
            self.errors[url] = network_reason(e)
            return None
        ctype = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        page = Page(url, status, ctype, decode(body, url), final_url or url)
        self.cache[url] = page.to_json()
        return page
