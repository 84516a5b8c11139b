"""Any other CMS: follow report-titled links inside a column.

CMS:
    None in particular: snowflake or UUID file names, Guangdong portal
    ``…/content/post_NNN.html``, ``webinfo/YYYY/MM/ID.htm``, Anhui
    ``/OpennessAnnualReport/show/N.html``, table-style lists. Every link of
    the column page whose text says 年度报告/年报 is fetched as a report;
    paging follows "下一页" or the numbered link after the current page, or
    a TRS-style ``createPageHTML``/``countPage`` script.

Sample sites:
    www.dengzhou.gov.cn (邓州市, ``/zl/zfxxgk/zfxxgknb/webinfo/…``),
    www.szlh.gov.cn (深圳 罗湖区 portal), jiyuan.gov.cn (济源),
    www.bypc.gov.cn (白银 平川区), www.mengcheng.gov.cn (蒙城县).

Caveats:
    The rule is looser than the other families (年度报告/年报 without
    政府信息公开), so a column must be a report column, not a whole
    信息公开 tree; decoys (通知, 指南, 要点, 企业年报…) are still skipped.
    Pages named after the first one (``index_<colid>_<N>.html``, often
    numbered backwards behind image links or a hidden pager) are found
    whatever their links say. Other paging that only works through
    JavaScript or POST is not followed: such a site needs a family of its own.
"""

from __future__ import annotations

from crawler.spiders.base import LinkListSpider


class GenericSpider(LinkListSpider):
    """Report-titled links of a column, any URL form (see the module docstring)."""

    name = "generic"
    family = "generic"

    # LinkListSpider
    loose_titles = True
