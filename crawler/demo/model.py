"""The demo web's data: sites, their pages, and the reports with their gold.

Plain dataclasses so the generator, the server, the tests and the fixture
script share one picture of the demo web without importing each other.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple


class Page(NamedTuple):
    """One response as the server sends it: status, headers, body bytes (unpacks as a tuple too)."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Request:
    """What a dynamic endpoint sees of a request (query and form merged, form wins)."""

    method: str
    path: str
    params: dict[str, str]
    body: bytes = b""


# A dynamic endpoint (jpage dataproxy, gkmlpt JSON API): request → page.
Handler = Callable[[Request], Page]


@dataclass
class Column:
    """One list column of a site that holds reports of one body level."""

    name: str
    body_level: str  # government | department | town | zone
    path: str  # the first list page (or the API/index a spider starts from)
    body: str = ""  # the one body whose reports it holds (one column per department), else every body of the level

    def __iter__(self):
        """Unpack as (name, body_level, path), the tuple form others use."""
        return iter((self.name, self.body_level, self.path))


@dataclass
class DemoSite:
    """One imitated district site: its identity and every page it serves."""

    slug: str
    name: str
    code: str  # 行政区划代码
    level: str  # district | county
    family: str  # dateid | trs | hanweb | gkmlpt | jhtml | generic
    columns: list[Column] = field(default_factory=list)
    pages: dict[str, Page | Handler] = field(default_factory=dict)
    robots_disallow: list[str] = field(default_factory=list)
    source: str = ""
    # Pages of a portal on a host of its own (the www host beside the 信息公开 platform); empty when the
    # portal is this site's own homepage. {{base}} in them is this site's base URL.
    portal_pages: dict[str, Page] = field(default_factory=dict)


@dataclass
class DemoReport:
    """One report page and the gold that says what a correct extraction holds."""

    site: str
    path: str
    title: str
    agency: str
    body_level: str
    year: int
    template: str
    published: str  # ISO date
    gold: dict
    column: str = ""
    attachment: str = ""  # the file the page links, when the report is published only as a file
    attachment_kind: str = ""  # its kind (crawler/demo/attachments.py KINDS)


@dataclass(frozen=True)
class DemoDecoy:
    """An unrelated article listed in a report column: it must never be stored as a report."""

    site: str
    path: str
    title: str
    kind: str  # why it is not a report (work_points, guide, notice, …)


@dataclass
class DemoCorpus:
    """Everything the demo web serves, plus the answers."""

    sites: list[DemoSite]
    reports: list[DemoReport]
    decoys: list[DemoDecoy] = field(default_factory=list)  # non-report articles listed in report columns
    cross_gold: list[dict] = field(default_factory=list)  # cross-report findings planted (crossplant.py)

    def site(self, slug: str) -> DemoSite:
        for s in self.sites:
            if s.slug == slug:
                return s
        raise KeyError(slug)

    def reports_of(self, slug: str) -> list[DemoReport]:
        return [r for r in self.reports if r.site == slug]

    def decoys_of(self, slug: str) -> list[str]:
        return [d.path for d in self.decoys if d.site == slug]
