"""The Zhengzhou 政务公开 platform: ``public.<site>/<code>/<id>.jhtml``.

CMS:
    A JEECMS-based platform shared by the districts and counties of 郑州市
    (host ``public.<district site>``). Articles are ``/<code>/<id>.jhtml``
    where the code names a department or a category (``D42Y`` is 年度报告);
    a channel's list is ``/<code>/index.jhtml`` and its next pages
    ``index_2.jhtml``, ``index_3.jhtml``…

Sample sites:
    public.jinshui.gov.cn (金水区, ``/D42Y/1478612.jhtml``),
    public.zzgx.gov.cn (郑州高新区, ``/D42Y/6882011.jhtml``),
    public.xinzheng.gov.cn (新郑市, ``/02MC/2090413.jhtml``),
    public.zzsj.gov.cn (上街区, ``/D42Y/4678298.jhtml``).

Caveats:
    Only article URLs were seen in published links; the list URL
    ``/D42Y/index.jhtml`` is inferred from JEECMS conventions (registry
    entries say ``guessed: true``). Titles in the 年度报告 channel often
    omit 政府信息公开, so the channel's links count as reports when their
    title says 年度报告/年报 (decoys such as 编制指南 still do not).
"""

from __future__ import annotations

import re

from crawler.spiders.base import LinkListSpider

JHTML_RE = re.compile(r"/[A-Za-z0-9]+/\d+\.jhtml$")


class JhtmlSpider(LinkListSpider):
    """Zhengzhou public.* JEECMS channels (see the module docstring)."""

    name = "jhtml"
    family = "jhtml"

    # LinkListSpider
    detail_re = JHTML_RE
    loose_titles = True
