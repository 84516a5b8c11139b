"""The discovery walk: portal → 政府信息公开 entry → the 信息公开 tree → every 年报 column.

Best first within the site's request budget: links named as 年报 columns
before 信息公开 entries and trees, shallow before deep. A page reached from a
年报 link is a column when it lists reports (titles with a year), or when
its newest year folder does (年报 › 2023年 / 2022年…, which the TRS spider
walks itself); its 年报-named links, and links naming bodies below its own directory (one
column per department), are walked as sub-columns, so a tree 年报 › 区政府 /
部门 / 乡镇街道 yields its leaves. A gkmlpt platform is read from its
``_CONFIG.TREE`` and each category checked through the JSON API.
Distractors (统计公报, 预决算, 政府工作报告, other 年度报告) are never taken
(crawler/sites/discover/text.py), and links to other sites' hosts (the province's
portal in the footer) are not followed.
"""

from __future__ import annotations

import heapq
import itertools
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawler.sites.discover.family import family_of_page, is_detail_url, vote
from crawler.sites.discover.fetch import BudgetSpent, Page, PoliteFetcher
from crawler.sites.discover.links import Link, page_links
from crawler.sites.discover.text import (
    body_level,
    is_annual_column,
    is_distractor,
    is_report_link,
    is_xxgk_entry,
    names_a_body,
    squeeze,
)
from crawler.sites.national import site_domain
from crawler.spiders.gkmlpt import api_url, parse_sid, parse_tree

LEVEL_ORDER = ("government", "department", "town", "zone")
SIBLING_SAMPLE = 3  # body columns of one node fetched to check the rest (one column per department)
_ANNUAL, _XXGK = "annual", "xxgk"
_ENTRY_RE = re.compile(r"信息公开|公开目录")
_YEAR_FOLDER_RE = re.compile(r"(19|20)\d{2}年?度?(政府信息公开)?(工作)?(年报|年度报告)?")
_STRONG_XXGK = ("政府信息公开", "法定主动公开", "主动公开", "公开目录", "信息公开")


@dataclass
class FoundColumn:
    """One 年报 column and where it was found."""

    name: str
    url: str
    body_level: str
    family: str
    sign: str  # what the family was recognised by
    page: str  # the page the link was found on
    text: str  # the link's text (a tree path for gkmlpt categories)
    reports: int  # report links on its first page


@dataclass
class Discovery:
    """What a portal gave: its columns (government's first), the family, the cost."""

    portal: str
    columns: list[FoundColumn] = field(default_factory=list)
    family: str = "generic"
    requests: int = 0
    complete: bool = True  # False when the request budget ran out first
    entry: str | None = None  # the 政府信息公开 entry page
    refused: list[str] = field(default_factory=list)  # URLs robots.txt forbids
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def hosts(self) -> list[str]:
        return sorted({urlsplit(c.url).hostname or "" for c in self.columns})


@dataclass(order=True)
class _Step:
    priority: int
    depth: int
    seq: int
    kind: str = field(compare=False)
    link: Link = field(compare=False)
    level: str = field(compare=False)


def _directory(url: str) -> str:
    path = urlsplit(url).path
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def _below(child: str, parent: str) -> bool:
    """True when ``child`` sits in a deeper directory of ``parent``'s host."""
    c, p = urlsplit(child), urlsplit(parent)
    return c.netloc == p.netloc and _directory(child) != _directory(parent) \
        and _directory(child).startswith(_directory(parent))


def _related(url: str, portal: str) -> bool:
    """True for a host of the portal's own site (www., zwgk., xxgk. … of one domain); IP hosts always."""
    host, home = urlsplit(url).hostname or "", urlsplit(portal).hostname or ""
    if re.fullmatch(r"[\d.]+", host) or re.fullmatch(r"[\d.]+", home):
        return True  # bare addresses (some county platforms, the demo web) say nothing about whose they are
    return site_domain(host) == site_domain(home)


class _Walk:
    def __init__(self, portal: str, fetcher: PoliteFetcher, max_depth: int, entry: str | None = None):
        self.known_entry = entry
        self.fetcher = fetcher
        self.max_depth = max_depth
        self.result = Discovery(portal)
        self.queue: list[_Step] = []
        self.seq = itertools.count()
        self.visited: set[str] = set()
        self.found: dict[str, FoundColumn] = {}
        self.siblings: list[tuple[list[Link], list[Link], str]] = []  # (sampled, not fetched, parent level)

    def push(self, kind: str, link: Link, depth: int, level: str) -> None:
        if link.url in self.visited or link.url in self.found or not _related(link.url, self.result.portal):
            return
        priority = 0 if kind == _ANNUAL else (1 if any(w in squeeze(link.text) for w in _STRONG_XXGK) else 2)
        heapq.heappush(self.queue, _Step(priority, depth, next(self.seq), kind, link, level))

    def run(self) -> Discovery:
        self.push(_XXGK, Link(self.result.portal, "portal", ""), 0, "government")
        if self.known_entry:
            self.push(_XXGK, Link(self.known_entry, "政府信息公开", "the portal list"), 0, "government")
        try:
            while self.queue:
                step = heapq.heappop(self.queue)
                if step.link.url in self.visited:
                    continue
                self.visited.add(step.link.url)
                page = self.fetcher.get(step.link.url)
                if page is None or not page.ok:
                    continue
                if self.result.entry is None and step.kind == _XXGK and _ENTRY_RE.search(squeeze(step.link.text)):
                    self.result.entry = page.url
                if "_CONFIG" in page.text and parse_tree(page.text):
                    self._gkmlpt(page, step)
                elif step.kind == _ANNUAL:
                    self._annual(page, step)
                else:
                    self._xxgk(page, step)
        except BudgetSpent:
            self.result.complete = False
        self._take_siblings()
        if self.result.entry is None and self.found:  # the portal is the platform itself
            self.result.entry = next(iter(self.found.values())).page
        self.result.columns = sorted(self.found.values(), key=lambda c: LEVEL_ORDER.index(c.body_level))
        self.result.family = vote([c.family for c in self.result.columns])
        self.result.requests = self.fetcher.requests
        self.result.refused = list(self.fetcher.refused)
        self.result.errors = dict(self.fetcher.errors)
        return self.result

    def _xxgk(self, page: Page, step: _Step) -> None:
        """A portal or 信息公开 page: 年报 links are columns to check, 信息公开 links trees to walk."""
        for link in page_links(page.text, page.final_url):
            if is_annual_column(link.text):
                self.push(_ANNUAL, link, step.depth + 1, body_level(link.text, step.level))
            elif is_xxgk_entry(link.text) and step.depth < self.max_depth:
                self.push(_XXGK, link, step.depth + 1, body_level(link.text, step.level))

    def _annual(self, page: Page, step: _Step) -> None:
        """A page reached from a 年报 link: a column when it lists reports; its sub-columns are walked."""
        links = page_links(page.text, page.final_url)
        reports = [link for link in links if is_report_link(link.text)]
        if not reports:
            page, reports = self._year_folders(page, links)  # 年报 › 2023年 / 2022年 …: the parent is the column
        if reports and not is_detail_url(step.link.url):  # a report's page links others (上一篇/下一篇): no column
            family, sign = family_of_page(page.final_url, page.text, [r.url for r in reports])
            self.found[step.link.url] = FoundColumn(
                step.link.text, step.link.url, step.level, family, sign, step.link.page, step.link.text, len(reports))
        if step.depth >= self.max_depth + 2:
            return
        bodies = []
        for link in links:
            if link.url == step.link.url or is_report_link(link.text) or is_distractor(link.text):
                continue
            if is_annual_column(link.text):
                self.push(_ANNUAL, link, step.depth + 1, body_level(link.text, step.level))
            elif names_a_body(link.text) and _below(link.url, page.final_url):
                bodies.append(link)
        # One column per body: check a sample within the budget, take the rest when the sample holds.
        for link in bodies[:SIBLING_SAMPLE]:
            self.push(_ANNUAL, link, step.depth + 1, body_level(link.text, step.level))
        if len(bodies) > SIBLING_SAMPLE:
            self.siblings.append((bodies[:SIBLING_SAMPLE], bodies[SIBLING_SAMPLE:], step.level))

    def _take_siblings(self) -> None:
        """Body columns left unfetched are taken when most of their sampled siblings were columns."""
        for sampled, rest, level in self.siblings:
            held = [self.found[link.url] for link in sampled if link.url in self.found]
            if len(held) * 2 <= len(sampled):
                continue
            for link in rest:
                if link.url not in self.found:
                    self.found[link.url] = FoundColumn(
                        link.text, link.url, body_level(link.text, level), held[0].family,
                        f"like its {len(held)} sibling columns (not fetched, to keep within the request budget)",
                        link.page, link.text, 0)

    def _year_folders(self, page: Page, links: list[Link]) -> tuple[Page, list[Link]]:
        """A column split into year folders below it: the newest folder's page and reports, else nothing."""
        years = [link for link in links if _YEAR_FOLDER_RE.fullmatch(squeeze(link.text))
                 and _below(link.url, page.final_url)]
        if not years:
            return page, []
        newest = max(years, key=lambda link: squeeze(link.text)[:4])
        folder = self.fetcher.get(newest.url)
        if folder is None or not folder.ok:
            return page, []
        self.visited.add(newest.url)
        return folder, [link for link in page_links(folder.text, folder.final_url) if is_report_link(link.text)]

    def _gkmlpt(self, page: Page, step: _Step) -> None:
        """A gkmlpt platform: the 年报 categories of its TREE, each leaf checked through the JSON API."""
        sid = parse_sid(page.text)
        if not sid:
            return
        for path, node, level in _annual_leaves(parse_tree(page.text)):
            url = api_url(page.final_url, int(node["id"]), 1, sid)
            answer = self.fetcher.get(url)
            titles = _api_titles(answer)
            if not any(is_report_link(t) for t in titles):
                continue
            self.found[url] = FoundColumn(str(node["name"]), url, level, "gkmlpt", "window._CONFIG TREE on /gkmlpt/",
                                          page.url, " › ".join(path), sum(1 for t in titles if is_report_link(t)))


def _annual_leaves(tree: list[dict], path: tuple[str, ...] = (), inside: str | None = None):
    """(tree path, node, body level) of each leaf category at or below a 年报 category."""
    for node in tree:
        name = squeeze(str(node.get("name", "")))
        here = (*path, name)
        children = node.get("children") or []
        if inside is None:
            if is_annual_column(name) and not node.get("jump_url"):
                level = body_level(name)
                if children:
                    yield from _annual_leaves(children, here, level)
                else:
                    yield here, node, level
            else:
                yield from _annual_leaves(children, here, None)
        elif not node.get("jump_url") and not is_distractor(name):
            level = body_level(name, inside)
            if children:
                yield from _annual_leaves(children, here, level)
            else:
                yield here, node, level


def _api_titles(page: Page | None) -> list[str]:
    if page is None or not page.ok:
        return []
    try:
        data = json.loads(page.text)
    except json.JSONDecodeError:
        return []
    articles = data.get("articles") if isinstance(data, dict) else None
    return [str(a.get("title", "")) for a in articles or [] if isinstance(a, dict)]


def discover_site(portal: str, fetcher: PoliteFetcher | None = None, *, max_depth: int = 4,
                  entry: str | None = None) -> Discovery:
    """Walk ``portal`` to its 年报 columns with ``fetcher`` (polite, budgeted; a fresh one by default).

    ``entry`` is a 政府信息公开 entry page already known (``xxgk_entries.csv``): walked first, beside the portal.
    """
    return _Walk(portal, fetcher or PoliteFetcher(), max_depth, entry).run()
