"""A column whose first page is static and whose later pages come only from a JSON search API.

Fujian's TRS sites (省直部门, 市县, e.g. gxt.fujian.gov.cn, www.pingtan.gov.cn) serve a
column's first page as HTML and draw the later pages in the browser ("动静结合"):
a script POSTs ``/fjdzapp/search`` with the column's ``classsql=chnlid=N`` and
``page=N``, and renders the JSON reply, ``{"data": [{"doctitle", "docpuburl",
"chnldocurl", "docreltime"}…], "pageCount": N}``. The static page declares the form
(``channelid``, ``sortfield``, ``classsql``, ``prepage`` …) and often ``recordCount``.
Nothing here fetches; the TRS spider asks for the pages.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from crawler.spiders.entries import parse_date

_API_RE = re.compile(r"""['"]([^'"\s]*/fjdzapp/search)['"]""")
#: The form fields the site's script sends, besides the page number.
FORM_FIELDS = ("channelid", "sortfield", "classsql", "classcol", "classnum", "classsort", "cache", "prepage")
_PAIR_RE = re.compile(r"""['"]?(\w+)['"]?\s*[:=]\s*['"]([^'"]*)['"]""")
_NUMBER_RE = r"""['"]?{name}['"]?\s*[:=]\s*['"]?(\d+)"""


@dataclass
class SearchApi:
    """The JSON API that serves a column's later pages, as its first page declares it."""

    url: str
    form: dict[str, str] = field(default_factory=dict)
    per_page: int | None = None
    records: int | None = None  # recordCount, when the page says it

    @property
    def pages(self) -> int | None:
        """The column's page count, from recordCount and prepage (None when the page does not say)."""
        if self.records is None or not self.per_page:
            return None
        return max(1, math.ceil(self.records / self.per_page))

    def formdata(self, page: int) -> dict[str, str]:
        return {**self.form, "page": str(page)}


def find_search_api(text: str, page_url: str) -> SearchApi | None:
    """The search API a static list page pages through, or None when it declares none."""
    m = _API_RE.search(text)
    if not m:
        return None
    # The declaration sits near the API's URL: read the script that names it.
    start = text.rfind("<script", 0, m.start())
    end = text.find("</script", m.end())
    script = text[start if start >= 0 else 0:end if end >= 0 else len(text)]
    pairs = {k: v for k, v in _PAIR_RE.findall(script)}
    form = {k: pairs[k] for k in FORM_FIELDS if k in pairs}
    if "classsql" not in form:
        chnl = re.search(r"chnlid\s*=\s*(\d+)", script)
        if not chnl:
            return None  # a search box, not a column's pages
        form["classsql"] = f"chnlid={chnl.group(1)}"
    per_page = re.search(_NUMBER_RE.format(name="prepage"), script)
    records = re.search(_NUMBER_RE.format(name="recordCount"), script, re.I)
    return SearchApi(url=urljoin(page_url, m.group(1)), form=form,
                     per_page=int(per_page.group(1)) if per_page else None,
                     records=int(records.group(1)) if records else None)


def parse_search_reply(body: bytes | str, base_url: str) -> tuple[list[tuple[str, str, str | None]], int | None]:
    """(entries as (URL, title, date), page count) of one JSON reply; ValueError when it is not one."""
    data = json.loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ValueError("no 'data' list in the reply")
    entries = []
    for row in data["data"]:
        if not isinstance(row, dict):
            continue
        url = row.get("docpuburl") or row.get("chnldocurl") or row.get("url")
        title = re.sub(r"<[^>]+>", "", str(row.get("doctitle") or row.get("title") or "")).strip()
        if url and title:
            entries.append((urljoin(base_url, str(url)), title, parse_date(str(row.get("docreltime") or ""))))
    count = data.get("pageCount", data.get("pagecount"))
    return entries, int(count) if isinstance(count, int | str) and str(count).isdigit() else None
