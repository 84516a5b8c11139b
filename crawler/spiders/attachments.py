"""The files (PDF, Word, Excel…) a report page links, when the page has no report table of its own.

Many districts publish the report as an attachment behind a short page; the
spider fetches those files, and only those: a page's chrome links files too
(the 申请表 in the footer, other years' reports in a 相关信息 list).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

#: A URL path that names a file a report may be published as.
ATTACHMENT_RE = re.compile(r"\.(pdf|docx?|xlsx?|rtf|wps|ofd|zip)$", re.I)

# Fewer cells than this and a page's tables are chrome (the 索引号/发布机构 box), not a report's.
REPORT_TABLE_CELLS = 40

# The article containers of crawler.extract.htmldoc.CONTAINERS (the rest, #content/.content/article,
# often wrap the whole page), and the blocks TRS and other CMSs put a document's attachments in.
_PAGE_WRAPPERS = frozenset({"#content", ".content", "article"})
_ATTACHMENT_BLOCKS = ("[class*=fujian]", "[id*=fujian]", "[class*=attach]", "[id*=attach]", "[class*=appendix]",
                      "[class*=download-file]")


def is_attachment_url(url: str) -> bool:
    """True for a URL whose path names a PDF/Word/Excel/… file."""
    return bool(ATTACHMENT_RE.search(urlsplit(url).path))


def may_point_at_files(response: Response) -> bool:
    """True for an HTML page without a report table: its numbers may be in a linked file."""
    if not isinstance(response, TextResponse) or is_attachment_url(response.url):
        return False
    return len(re.findall(rb"<t[dh][\s>]", response.body, re.I)) < REPORT_TABLE_CELLS


def attachment_urls(response: TextResponse, selector: Selector | Response) -> list[str]:
    """Absolute URLs of the files a page links for its report, and of those its list entry named
    (``meta["attachments"]``).

    The files linked from the article body (and from an attachment block, 附件/fujian) when it links
    any; else every file on the page. ``selector`` is the page as the spider reads it (its decoding).
    """
    body = body_file_links(response, selector)
    hrefs = (body if body else response.css("a::attr(href)").getall()) + list(response.meta.get("attachments") or [])
    urls: list[str] = []
    for href in hrefs:
        url = urljoin(response.url, href.strip())
        if is_attachment_url(url) and url not in urls:
            urls.append(url)
    return urls


def body_file_links(response: Response, selector: Selector | Response) -> list[str]:
    """File links inside the first article container that links any, plus those of attachment blocks."""
    from crawler.extract.htmldoc import CONTAINERS  # the extractor loads slowly: when needed

    found: list[str] = []
    for css in (c for c in CONTAINERS if c not in _PAGE_WRAPPERS):
        hrefs = [h for h in selector.css(f"{css} a::attr(href)").getall()
                 if is_attachment_url(urljoin(response.url, h.strip()))]
        if hrefs:
            found = hrefs
            break
    if not found:
        return []
    for css in _ATTACHMENT_BLOCKS:
        found += selector.css(f"{css} a::attr(href)").getall()
    return found
