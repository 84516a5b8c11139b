"""An article before it has a URL: what a family module lays out as pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from crawler.demo.model import Column


@dataclass
class Article:
    """A report or a decoy, with everything its page and list entry show."""

    uid: int  # numeric id, unique within the site; families build URLs from it
    column: Column
    title: str
    agency: str  # 发布机构
    published: dt.date
    body_html: str  # the article's own content, without chrome
    kind: str = "report"  # report | decoy
    decoy_kind: str = ""
    year: int | None = None
    template: str | None = None
    gold: dict = field(default_factory=dict)
    index_no: str = ""  # 索引号
    path: str = ""  # set by the family module

    @property
    def date_iso(self) -> str:
        return self.published.isoformat()
