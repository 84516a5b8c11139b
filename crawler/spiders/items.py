"""What spiders yield: a report page (or attachment) found in a report column.

Spiders never parse tables; they say where a report is and what the list said
of it. The pipeline archives, extracts, checks and stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapy.http import Response

from crawler.record.document import ArchivedDocument, Origin

BODY_LEVELS = ("government", "department", "town", "zone")  # 政府/部门/乡镇街道/开发区


@dataclass
class ReportItem:
    site: str  # registry slug
    url: str
    title: str | None  # the title as the list printed it
    list_date: str | None  # ISO date from the list entry, if any
    body_level: str | None  # one of BODY_LEVELS, from the registry column
    column: str | None  # the column's name as in the registry
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fetched_at: str = ""
    archive: dict = field(default_factory=dict)  # set by the archive middleware: warc file, offset, sha256
    not_modified: bool = False  # a 304 answered by the archived copy
    outcome: str = ""  # set by ReportPipeline: new, changed, unchanged, not_a_report, errors/extract …
    # an attachment: the page that links it (its report is stored under that page's URL)
    page_url: str | None = None
    # a page: the files it links, when it has no table of its own (its numbers are in one of them)
    attachments: list[str] = field(default_factory=list)
    # an attachment: the page the list linked (the list date of both is kept under it)
    list_url: str | None = None

    @property
    def report_url(self) -> str:
        """The URL the report is stored under: the linking page for an attachment, else its own."""
        return self.page_url or self.url

    def archived_document(self) -> ArchivedDocument:
        """The archived bytes this item carries, as crawler.record.document takes them."""
        return ArchivedDocument(url=self.url, body=self.body, content_type=self.headers.get("content-type"),
                                document_id=self.archive.get("document_id"), sha256=self.archive.get("sha256"),
                                fetched_at=self.fetched_at)

    def origin(self) -> Origin:
        """Where the list found it, as crawler.record.document takes it."""
        return Origin(site=self.site, title=self.title, body_level=self.body_level, column=self.column,
                      page_url=self.page_url, attachments=list(self.attachments))


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for k, vs in response.headers.items():
        out[k.decode("latin-1").lower()] = b", ".join(vs).decode("latin-1")
    return out


def report_item_from_response(
    response: Response,
    *,
    site: str,
    title: str | None = None,
    list_date: str | None = None,
    body_level: str | None = None,
    column: str | None = None,
) -> ReportItem:
    """Wrap a fetched report page (or attachment) as the item the pipeline stores."""
    return ReportItem(
        site=site,
        url=response.url,
        title=title,
        list_date=list_date,
        body_level=body_level,
        column=column,
        status=response.status,
        headers=_headers(response),
        body=response.body,
        fetched_at=response.meta.get("fetched_at") or datetime.now(UTC).isoformat(timespec="seconds"),
        archive=dict(response.meta.get("archive") or {}),
        not_modified=bool(response.meta.get("not_modified")),
    )
