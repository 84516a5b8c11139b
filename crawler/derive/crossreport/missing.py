"""Missing reports: a body that published for Y-1 but not for Y once Y's deadline plus a grace period passed.

"Today" is a parameter. A finding resolves itself when the report appears:
it stays listed with ``resolved_at`` (the date the archive first saw the
report), but only when the site was crawled between the due date and that
day without finding it, so a first crawl of an old archive does not call
every report missing-then-found. Only crawled sites are checked: a
hand-ingested file says nothing about what a site did not publish.
"""

from __future__ import annotations

import datetime as dt
import os

from crawler.derive.crossreport.data import Archive
from crawler.derive.crossreport.deadlines import deadline
from crawler.derive.crossreport.finding import CrossFinding

# Days after the deadline before a report counts as missing (setting NIANBAO_MISSING_GRACE_DAYS).
GRACE_DAYS = int(os.environ.get("NIANBAO_MISSING_GRACE_DAYS", "30"))


def missing_findings(archive: Archive, today: dt.date, grace_days: int = GRACE_DAYS) -> list[CrossFinding]:
    """Open (and resolved) gaps after a year a body did publish."""
    out = []
    for body_id, years in sorted(archive.by_body.items()):
        body = archive.bodies.get(body_id, {})
        site = body.get("site")
        if not site:
            continue
        for prev_year in sorted(years):
            year = prev_year + 1
            prev = years[prev_year]
            level = prev.body_level or body.get("level")
            due = deadline(level, year) + dt.timedelta(days=grace_days)
            if today <= due:
                continue
            report = years.get(year)
            name = body.get("display_name") or body.get("name")
            if report is None:
                if not archive.watched(site, due):
                    continue
                out.append(CrossFinding(
                    "missing", body_id, year, other_report_id=prev.id, other_document_id=prev.document_id,
                    deadline=deadline(level, year).isoformat(),
                    detail=f"{name}已公布{prev_year}年报告，截至{today.isoformat()}未见{year}年报告"
                           f"（应于{deadline(level, year).isoformat()}前公布，宽限{grace_days}天）",
                ))
                continue
            seen = report.first_seen_date
            if seen is not None and seen > due and archive.watched(site, due, seen):
                out.append(CrossFinding(
                    "missing", body_id, year, report_id=report.id, other_report_id=prev.id,
                    document_id=report.document_id, other_document_id=prev.document_id,
                    deadline=deadline(level, year).isoformat(), resolved_at=seen.isoformat(),
                    detail=f"{year}年报告在宽限期满（{due.isoformat()}）后仍未见，{seen.isoformat()}首次抓取到",
                ))
    return out
