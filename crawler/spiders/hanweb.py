"""Hanweb (大汉) jcms columns.

CMS:
    Hanweb jcms. A column is ``/col/colNNN/index.html``; an article is
    ``/art/YYYY/M/D/art_<colId>_<artId>.html``. The column page embeds its
    first group of records as ``<script type="text/xml"><datastore>
    <nextgroup>…</nextgroup><recordset><record><![CDATA[<li><a href title>…
    </a><span>YYYY-MM-DD</span></li>]]></record>…``. Later groups come from
    ``POST /module/web/jpage/dataproxy.jsp?startrecord=&endrecord=&perpage=``
    with the form fields the page declares in ``var param_NNN={col:1,
    appid:1, webid:…, path:'/', columnid:…, sourceContentType:1, unitid:…,
    webname:…, permissiontype:0}``; the page also says ``totalRecord`` and
    ``perPage``. The XML reply carries ``<totalrecord>``, ``<totalpage>`` and
    the next ``<recordset>``. One group is three pages (1–45 with perpage=15).

Sample sites:
    www.longyou.gov.cn (龙游县), www.kaihua.gov.cn (开化县, metadata
    table on each article), www.nbjb.gov.cn (宁波 江北区,
    ``/col/col1229214366/index.html``).

Caveats:
    Each group can overlap the previous one by one record: records are
    de-duplicated by URL. Some sites print the date in ``<b readlabel>``
    rather than ``<span>``. The ``<nextgroup>`` URL is encrypted on some
    sites, so the spider builds the POST itself from ``param_…``; when the
    page declares no ``param_…`` the form is built from the column id. The
    Shandong variant (``/module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=``)
    is not handled here: register such a site as ``generic`` with that URL.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

from parsel import Selector
from scrapy.http import FormRequest, Response

from crawler.spiders.base import ReportSpider
from crawler.spiders.entries import is_report_title, parse_date

_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S | re.I)
_PARAM_RE = re.compile(r"var\s+param_(\w+)\s*=\s*\{(.*?)\}", re.S)
_PAIR_RE = re.compile(r"""['"]?(\w+)['"]?\s*:\s*(?:"([^"]*)"|'([^']*)'|([^,}\s]*))""")
DATAPROXY = "/module/web/jpage/dataproxy.jsp"


def parse_records(text: str) -> list[str]:
    """The CDATA bodies of ``<record>`` elements, in order."""
    return _RECORD_RE.findall(text)


def parse_param(text: str) -> dict[str, str]:
    """The form fields of the first ``var param_NNN = {…}`` on a column page."""
    m = _PARAM_RE.search(text)
    if not m:
        return {}
    return {k: htmllib.unescape(a or b or c or "") for k, a, b, c in _PAIR_RE.findall(m.group(2))}


def _int_after(pattern: str, text: str) -> int | None:
    """The integer after a ``name: N`` / ``name = N`` / ``<name>N</name>`` pattern (case-insensitive)."""
    m = re.search(pattern + r"""\s*(?:[:=]\s*['"]?|>)\s*(\d+)""", text, re.I)
    return int(m.group(1)) if m else None


def total_records(text: str) -> int | None:
    """``totalRecord`` of a column page or ``<totalrecord>`` of a dataproxy reply."""
    return _int_after(r"totalrecord", text)


def per_page(text: str) -> int:
    """``perPage`` declared by a column page (15 when absent)."""
    return _int_after(r"perpage", text) or 15


def group_size(text: str) -> int:
    """Pages per group (``groupSize``; 3 when absent)."""
    return _int_after(r"groupsize", text) or 3


def default_form(column_url: str) -> dict[str, str]:
    """The dataproxy form built from the column URL when the page declares no ``param_…``."""
    m = re.search(r"/col/col(\d+)/", urlsplit(column_url).path)
    return {
        "col": "1",
        "appid": "1",
        "webid": "",
        "path": "/",
        "columnid": m.group(1) if m else "",
        "sourceContentType": "1",
        "unitid": "",
        "webname": "",
        "permissiontype": "0",
    }


class HanwebSpider(ReportSpider):
    """Hanweb jcms columns with dataproxy paging (see the module docstring)."""

    name = "hanweb"
    family = "hanweb"

    def parse_column(self, response: Response) -> Iterator[Any]:
        """Parse a column page: the embedded records, then the first dataproxy group."""
        if self.is_list_missing(response):
            return
        text = self.text(response)
        records = parse_records(text)
        if not records:  # a column rendered as plain HTML
            records = [text]
        seen: set[str] = set()
        reports = list(self._parse_list(response, records, seen))
        yield from (r for r, _ in reports)
        form = parse_param(text) or default_form(response.url)
        total = total_records(text)
        pp = per_page(text)
        size = pp * group_size(text)
        state = {"form": form, "total": total, "perpage": pp, "group": size, "seen": seen, "end": len(records)}
        yield from self._next_pages(response, [u for _, u in reports], state, end=max(size, len(records)))

    def parse_group(self, response: Response) -> Iterator[Any]:
        """Parse one dataproxy XML reply: records, then the next group."""
        if self.is_list_missing(response):
            return
        text = self.text(response)
        state = dict(response.meta["hanweb"])
        state["total"] = total_records(text) or state.get("total")
        seen = set(state["seen"])
        reports = list(self._parse_list(response, parse_records(text), seen))
        state["seen"] = seen
        yield from (r for r, _ in reports)
        if not parse_records(text):
            return
        yield from self._next_pages(response, [u for _, u in reports], state, end=response.meta["endrecord"])

    def _parse_list(self, response: Response, records: list[str], seen: set[str]) -> Iterator[tuple[Any, str]]:
        """(request, url) for each record that links a report not seen in an earlier group."""
        for record in records:
            sel = Selector(text=record)
            date = parse_date(" ".join(sel.css("span::text, b::text, td::text").getall()))
            for url, title, link_date in self.list_links(response, sel):
                if url in seen or not is_report_title(title):
                    continue
                seen.add(url)
                yield self.report_request(url, response, title=title, list_date=link_date or date), url

    def _next_pages(self, response: Response, report_urls: list[str], state: dict, end: int) -> Iterator[Any]:
        """The POST for the group after record ``end``, while records remain and some reports are new."""
        total = state.get("total")
        if total is None or end >= total:
            return
        if not self.should_page(report_urls):
            self.logger.info("all reports known, paging stops: %s", response.url)
            return
        start = end + 1
        stop = min(end + state["group"], total)
        url = urljoin(response.url, f"{DATAPROXY}?startrecord={start}&endrecord={stop}&perpage={state['perpage']}")
        meta = self.carry(response, hanweb=state, startrecord=start, endrecord=stop)
        meta["handle_httpstatus_list"] = [404]
        yield FormRequest(url, formdata=state["form"], callback=self.parse_group, errback=self.list_failed, meta=meta)
