"""Does a page carry the report, or only its title? Soft-404s and stubs must not become reports.

A CMS answers a deleted article with 200 and "对不起，您访问的页面不存在"
under the site's usual chrome; a stub holds the report's title and nothing
else. Both read as a report by their title. A page carries the report when
it has its numbers (cells), or its text speaks of what the report's parts
are about (主动公开, 依申请, 复议/诉讼, 问题/改进 …), as a prose report of
the legacy years does. A page whose numbers sit in a linked file is decided
by that file (crawler.crawl.pipelines).
"""

from __future__ import annotations

import re

from crawler.extract.model import Report

#: What the six parts (REPORT_SCHEMA.md) are about; a report's text speaks of most of them.
PART_TOPICS = (
    re.compile(r"主动公开"),
    re.compile(r"依申请|申请公开|公开申请"),
    re.compile(r"行政复议|行政诉讼"),
    re.compile(r"存在的?(?:主要)?问题|不足|改进"),
    re.compile(r"总体情况|概述|基本情况"),
    re.compile(r"收费|减免|其他需要报告"),
)
MIN_TOPICS = 3
MIN_TEXT_CHARS = 300  # a report's text, without its title, runs to thousands of characters
_NOT_FOUND = re.compile(r"页面不存在|您访问的页面|页面(?:已被)?删除|找不到(?:该|您要的)?页面|404\s*not\s*found|"
                        r"信息不存在|文章不存在|该信息已撤销", re.I)


def _body_text(report: Report) -> str:
    text = report.text or ""
    if report.title:
        text = text.replace(report.title, "")
    return re.sub(r"\s+", "", text)


def carries_report(report: Report) -> bool:
    """True when the page holds a report's substance, not only a report-like title."""
    if any(v is not None for v in report.cells.values()):
        return True
    text = _body_text(report)
    if len(text) < MIN_TEXT_CHARS:
        return False
    topics = sum(1 for p in PART_TOPICS if p.search(text))
    if topics < MIN_TOPICS:
        return False
    return not (_NOT_FOUND.search(text[:2000]) and len(text) < 2 * MIN_TEXT_CHARS)
