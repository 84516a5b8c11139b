"""Late reports (条例 第四十九条) and the deadline every other check shares.

* Report years from 2019 (the revised 条例 in force since 15 May 2019): a
  people's government's own report (body level ``government``) is due by
  31 March of Y+1; every other body by 31 January of Y+1. Towns, streets
  and development zones publish as 行政机关 of the district (they hand their
  report to the district's 主管部门 and publish it by 31 January, as 石狮's
  37 units did), so they share the department deadline.
* Report years up to 2018 (条例 of 2008, 第三十一条): every body by 31 March.

The published date is the page's (发布日期, meta PubDate, URL date, with its
source as the extractor recorded it). Without one, the archive's first-seen
date bounds it from above, and is used only when the site was crawled
before the deadline, so a report is not called late merely because the
archive started watching late.
"""

from __future__ import annotations

import datetime as dt

from crawler.derive.crossreport.data import Archive, ReportRow
from crawler.derive.crossreport.finding import CrossFinding


def deadline(level: str | None, year: int) -> dt.date:
    """The last day a body of ``level`` may publish its report for ``year``."""
    if year <= 2018 or level == "government":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def published_date(report: ReportRow) -> tuple[dt.date | None, str | None]:
    """(date, where it was read): the page's date, else the archive's first-seen date."""
    if report.published:
        try:
            return dt.date.fromisoformat(report.published[:10]), report.published_source or "page"
        except ValueError:
            pass
    return report.first_seen_date, "first_seen" if report.first_seen_date else None


def late_findings(archive: Archive) -> list[CrossFinding]:
    """One finding per report published after its deadline, with the days late."""
    out = []
    for body_id, years in sorted(archive.by_body.items()):
        for year, report in sorted(years.items()):
            level = report.body_level or archive.bodies.get(body_id, {}).get("level")
            if level is None:  # a hand-ingested file: no body level, so no deadline to hold it to
                continue
            due = deadline(level, year)
            when, source = published_date(report)
            if when is None or when <= due:
                continue
            if source == "first_seen" and not archive.watched(report.site, dt.date.min, due + dt.timedelta(days=1)):
                continue
            days = (when - due).days
            how = "首次抓取于" if source == "first_seen" else "发布于"
            out.append(CrossFinding(
                "late", body_id, year, report_id=report.id, deadline=due.isoformat(), published=when.isoformat(),
                published_source=source, days_late=days, document_id=report.document_id,
                detail=f"{year}年报告应于{due.isoformat()}前公布，{how}{when.isoformat()}，逾期{days}天",
            ))
    return out
