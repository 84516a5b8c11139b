"""Reports a demo site publishes only as a file: a short page says 详见附件 and links it.

Real TRS and Hanweb portals often post a report as ``P020240125…pdf`` under an
article whose text is a single line; the crawler must follow the link and read
the file. The files are made from the report's gold (crawler/demo/attachments.py),
so the gold stays the report's. Kinds that need LibreOffice are left out, with
one warning, where it is not installed.
"""

from __future__ import annotations

import html
import logging
import random
from pathlib import PurePosixPath

from crawler.demo.articles import Article
from crawler.demo.model import Page

log = logging.getLogger(__name__)

# Which kinds each site publishes one report as; sites whose report counts other tests rely on are left out.
ATTACHED: dict[str, tuple[str, ...]] = {"xigong": ("pdf", "doc", "scan"), "kaihua": ("docx", "xlsx")}
NEEDS_SOFFICE = frozenset({"pdf", "pdf-plain", "doc", "xls", "scan", "png"})
_warned: list[bool] = []


def kinds_for(slug: str) -> tuple[str, ...]:
    """The site's attachment kinds this machine can make (LibreOffice-made ones only where it is installed)."""
    from crawler.extract.files.office import soffice

    kinds = ATTACHED.get(slug, ())
    if soffice() is not None:
        return kinds
    if not _warned and any(k in NEEDS_SOFFICE for k in kinds):
        _warned.append(True)
        log.warning("LibreOffice (soffice) is not installed: the demo publishes no PDF, DOC or scanned reports")
    return tuple(k for k in kinds if k not in NEEDS_SOFFICE)


def choose(slug: str, eligible: list[Article]) -> dict[int, str]:
    """{article uid: kind}: one plain report (no planted fault) per kind, drawn from the site's own seed."""
    kinds = kinds_for(slug)
    if not kinds or len(eligible) < len(kinds):
        return {}
    picks = random.Random(f"nianbao-demo-2026:{slug}:attached").sample(sorted(eligible, key=lambda a: a.uid),
                                                                       len(kinds))
    return {a.uid: kind for a, kind in zip(picks, kinds, strict=True)}


def file_name(article: Article, kind: str) -> str:
    """``P0`` + publication date + a serial, as TRS names uploaded files."""
    ext = "pdf" if kind in ("scan", "pdf-plain") else kind
    return f"P0{article.published:%Y%m%d}{article.uid:06d}{article.uid * 7919 % 10000:04d}.{ext}"


def point_at_file(article: Article, kind: str) -> None:
    """Replace the article's text with the one line and the link a file-only report page carries."""
    name = file_name(article, kind)
    shown = f"{article.title}.{name.rsplit('.', 1)[1]}"
    article.body_html = (f'<p style="text-indent:2em">{html.escape(article.title)}详见附件。</p>'
                         f'<p>附件：<a href="./{name}" target="_blank">{html.escape(shown)}</a></p>')


def file_page(article: Article, kind: str) -> tuple[str, Page]:
    """(path, page) of the file beside the article page, made from the article's gold."""
    from crawler.demo.attachments import make_attachment

    data, _, content_type = make_attachment(article.gold, kind)
    path = str(PurePosixPath(article.path).parent / file_name(article, kind))
    return path, Page(200, {"Content-Type": content_type}, data)
