"""Is each site still answering with reports? The alarm rule and the `site_health` view.

A district site rarely says it has changed: a redesign empties the report
column, a WAF starts answering 412/521, a host goes away. What the crawl sees
is a site that yielded reports before and now yields none, or only errors.
The runner raises an alarm for it (logged as an error, crawl_sites.alarm, exit
status 2 from `nianbao crawl`); `site_health` shows each site's latest run.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

SITE_HEALTH_SQL = """
select
  s.slug as site,
  s.name as name,
  s.family as family,
  case
    when cs.run_id is null then 'never crawled'
    when cs.alarm is not null then 'alarm'
    when cs.errors > 0 then 'errors'
    else 'ok'
  end as status,
  cs.alarm as alarm,
  cs.run_id as run_id,
  r.started as run_started,
  coalesce(cs.finished, r.finished) as last_response,
  r.mode as mode,
  cs.close_reason as close_reason,
  cs.requests as requests,
  cs.received_bytes as received_bytes,
  cs.not_modified as not_modified,
  cs.reports_new as reports_new,
  cs.reports_changed as reports_changed,
  cs.reports_unchanged as reports_unchanged,
  cs.reports_skipped as reports_skipped,
  cs.pages_unread as pages_unread,
  cs.errors as errors,
  cs.errors_json as errors_json,
  (select max(c2.run_id) from crawl_sites c2 where c2.site = s.slug
     and coalesce(c2.reports_seen, 0) - coalesce(c2.not_a_report, 0) + coalesce(c2.reports_skipped, 0) > 0)
     as last_run_with_reports,
  (select count(*) from crawl_sites c3 where c3.site = s.slug and c3.alarm is not null) as alarms_total,
  (select count(*) from reports rp where rp.site = s.slug) as reports_archived
from sites s
left join (select site, max(run_id) as run_id from crawl_sites group by site) last on last.site = s.slug
left join crawl_sites cs on cs.site = s.slug and cs.run_id = last.run_id
left join crawl_runs r on r.id = cs.run_id
"""


def install_site_health(db: sqlite_utils.Database) -> None:
    """(Re)create the `site_health` view: one row per registry site, its latest crawl and status."""
    db.execute("drop view if exists site_health")
    db.execute(f"create view site_health as {SITE_HEALTH_SQL}")


def site_alarm(result: Any, *, had_reports: bool) -> str | None:
    """Why a site's run is alarming, or None. ``result`` is a crawler.crawl.runs.SiteResult.

    Reports skipped because their list entry is unchanged count as yielded:
    a quiet night is not an alarm. A hostile answer (a body inflating past the
    cap, a redirect off the public web: crawler.crawl.guards) is one, whatever else
    the site yielded, and so are list pages that could not be read
    (``pages_unread``): part of a column was lost.
    """
    alarm = _yield_alarm(result, had_reports=had_reports)
    unread = getattr(result, "pages_unread", 0) or 0
    if unread:
        pages = f"{unread} list page{'s' if unread > 1 else ''} of a column unread (part of the column not crawled)"
        return f"{alarm}; {pages}" if alarm else pages
    return alarm


def yielded_reports(result: Any) -> int:
    """Report pages the site gave this run (stored or skipped as unchanged); soft-404s and stubs are not."""
    return result.reports_seen - (getattr(result, "not_a_report", 0) or 0) + result.reports_skipped


def _yield_alarm(result: Any, *, had_reports: bool) -> str | None:
    """The alarm from what the site answered and yielded, before unread list pages are counted."""
    errors = {k: v for k, v in sorted(result.errors.items()) if v}
    kinds = ", ".join(f"{k} x{v}" for k, v in errors.items())
    if getattr(result, "hostile", 0):
        return f"{result.hostile} hostile answers: compression bomb or redirect off the public web ({kinds})"
    if yielded_reports(result) > 0:
        return None
    if errors.get("waf_blocked"):
        return f"blocked by a WAF challenge, no reports ({kinds})"
    if errors:
        return f"only errors, no reports ({kinds})"
    if had_reports:
        return "yielded reports before, none this run (report column emptied or moved?)"
    if result.pages == 0 and result.requests == 0:
        return "nothing fetched"
    return None
