"""Date-ID platforms: report pages at ``/YYYY/MM-DD/ID.html``.

CMS:
    The platform of 洛阳市 and its districts and counties (and of several
    other Henan sites: 孟州, 桐柏, Henan provincial departments). Articles
    are ``/YYYY/MM-DD/ID.html`` with one ID sequence per platform; a
    variant writes ``/YYYY/MMDD/ID.html`` (新乡经开区). Column lists are
    plain HTML links with "下一页" or numbered paging.

Sample sites:
    www.mengjin.gov.cn (洛阳 孟津区, e.g. ``/2021/05-08/847697.html``),
    www.ly.gov.cn, www.mengzhou.gov.cn (``/2020/01-31/506161.html``),
    www.tongbai.gov.cn (``/2026/01-08/1371044.html``),
    jkq.xinxiang.gov.cn (``/2024/0111/15120.html``).

Caveats:
    The column (list) URLs of the Luoyang district sites were not seen in
    published links: the registry marks them ``guessed: true`` and
    ``nianbao sites check`` says when one is gone. The older Luoyang
    district CMS (``/html/1//2/151/…/ID.html``, double slash included) is
    also accepted. Old 孟津 pages were seen only on hijacked mirror domains;
    only gov.cn hosts are registered.
"""

from __future__ import annotations

import re

from crawler.spiders.base import LinkListSpider

DATEID_RE = re.compile(r"/(?:19|20)\d{2}/\d{2}-?\d{2}/\d+\.s?html?$|/html/\d+/(?:/?\d+/)+\d+\.html$")


class DateidSpider(LinkListSpider):
    """Date-ID article lists (see the module docstring)."""

    name = "dateid"
    family = "dateid"

    # LinkListSpider
    detail_re = DATEID_RE
