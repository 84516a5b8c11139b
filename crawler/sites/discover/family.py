"""The CMS family of a site, recognised from its column pages (the signs each family spider relies on).

* gkmlpt — ``window._CONFIG`` with a category TREE under ``/gkmlpt/``;
* hanweb — the jpage ``dataproxy.jsp`` proxy or a ``<datastore>`` of records;
* trs — ``createPageHTML``/``countPage`` paging or ``tYYYYMMDD_ID.html`` report links;
* jhtml — Zhengzhou ``/<code>/<id>.jhtml`` report links;
* dateid — Luoyang ``/YYYY/MM-DD/ID.html`` report links;
* generic — none of these.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from crawler.spiders.dateid import DATEID_RE
from crawler.spiders.jhtml import JHTML_RE
from crawler.spiders.trs import TDATE_RE

FAMILY_ORDER = ("gkmlpt", "hanweb", "trs", "jhtml", "dateid", "generic")
_DETAIL_RE = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_|/post_\d+\.html$|/c\d+/content\.s?html$|/content/post_")


def is_detail_url(url: str) -> bool:
    """True for the URL of one article (a report page), in any family's form: never a column."""
    path = urlsplit(url).path
    return bool(TDATE_RE.search(path) or DATEID_RE.search(path) or JHTML_RE.search(path) or _DETAIL_RE.search(path))


def family_of_page(url: str, text: str, report_urls: list[str]) -> tuple[str, str]:
    """(family, the sign it was recognised by) of one column page."""
    if "_CONFIG" in text and "/gkmlpt" in (urlsplit(url).path + text):
        return "gkmlpt", "window._CONFIG on a /gkmlpt/ page"
    if "dataproxy.jsp" in text or "<datastore>" in text:
        return "hanweb", "jpage dataproxy.jsp / <datastore>"
    if "createPageHTML" in text or "countPage" in text:
        return "trs", "createPageHTML paging"
    paths = [urlsplit(u).path for u in report_urls]
    for family, pattern in (("trs", TDATE_RE), ("jhtml", JHTML_RE), ("dateid", DATEID_RE)):
        if paths and sum(1 for p in paths if pattern.search(p)) * 2 >= len(paths):
            return family, f"report links like {next(p for p in paths if pattern.search(p))}"
    if urlsplit(url).path.endswith(".jhtml"):
        return "jhtml", "a .jhtml channel"
    return "generic", "no known CMS sign"


def vote(families: list[str]) -> str:
    """The site's family: the most common among its columns (ties go to the more specific family)."""
    if not families:
        return "generic"
    counts = Counter(families)
    best = max(counts.values())
    return next(f for f in FAMILY_ORDER if counts.get(f) == best)
