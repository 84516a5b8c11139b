"""A crawl run's record: its `crawl_runs` row opened before the spiders start, per-site rows after.

One implementation for both ways of crawling: `nianbao crawl` (crawler/crawl/runner.py: every
family in one process, one run) and `scrapy crawl FAMILY` (crawler/crawl/extensions.py: one
family, one run). Both take the archive's lock, resume after a killed run, raise the site alarm
(crawler/crawl/health.py) and end with the same rows.
"""

from __future__ import annotations

import fcntl
import json
import logging
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.crawl.health import site_alarm
from crawler.exceptions import CrawlFailed
from crawler.record.store import mark_killed_runs as mark_killed
from crawler.record.store import (
    mark_reports_seen,
    open_crawl_run,
    open_db,
    record_crawl_sites,
    update_crawl_run,
    upsert_sites,
    utcnow,
)

logger = logging.getLogger(__name__)


@dataclass
class SiteResult:
    site: str
    spider: str
    reports_seen: int = 0
    reports_new: int = 0
    reports_changed: int = 0
    reports_unchanged: int = 0
    reports_skipped: int = 0  # known, list entry unchanged: not fetched
    errors: dict[str, int] = field(default_factory=dict)
    pages: int = 0
    bytes: int = 0
    requests: int = 0  # responses received (a 304 counts, its archived copy's bytes do not)
    received_bytes: int = 0
    not_modified: int = 0
    not_a_report: int = 0  # pages read but carrying no report (soft-404s, stubs): archived only
    hostile: int = 0  # compression bombs and redirects off the public web (crawler.crawl.guards): an alarm
    pages_unread: int = 0  # list pages of a column that could not be read (raises the alarm)
    finished: str | None = None  # last response from the site
    close_reason: str | None = None  # the family spider's finish_reason
    alarm: str | None = None


@dataclass
class CrawlResult:
    run_id: int
    sites: list[SiteResult]

    @property
    def alarms(self) -> list[SiteResult]:
        return [s for s in self.sites if s.alarm]

    def totals(self) -> dict[str, int]:
        keys = ("reports_seen", "reports_new", "reports_changed", "reports_unchanged", "reports_skipped",
                "pages", "bytes", "requests", "received_bytes", "not_modified", "pages_unread")
        return {k: sum(getattr(s, k) for s in self.sites) for k in keys}


@dataclass
class OpenRun:
    """A run whose `crawl_runs` row is open: what closing it needs to know."""

    run_id: int
    started: str
    had_reports: set[str]  # sites with reports before this run (a site that now yields none alarms)
    resume: bool  # the previous run never finished: walk every list page


@dataclass
class SpiderRun:
    """What one family spider did: its sites, its crawler's stats, the known reports it skipped."""

    family: str
    sites: list[Any]
    stats: dict[str, Any]
    skipped_urls: list[str]
    close_reason: str | None


class CrawlLock:
    """One crawl per archive at a time: a second one (cron overlapping a slow night) stops at once."""

    def __init__(self, db_path: str | Path):
        self.db_path = db_path
        self.path = Path(f"{db_path}.lock")
        self._fh = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)  # a new archive in a folder not made yet
        fh = open(self.path, "w")  # held until release()
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            fh.close()
            raise CrawlFailed(f"{self.db_path}: another crawl is running (lock {self.path})") from e
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


@contextmanager
def crawl_lock(db_path: str | Path):
    """:class:`CrawlLock` held around a block."""
    lock = CrawlLock(db_path)
    lock.acquire()
    try:
        yield
    finally:
        lock.release()


def previous_run_interrupted(db_path: str | Path) -> bool:
    """True when the last run never finished (killed, power cut): the next one must walk every list page.

    A killed Scrapy run loses its in-flight requests (its JOBDIR marks them seen),
    so instead of resuming a queue the next run re-walks the lists: pages fetched
    before answer 304 from the archive, known reports are skipped, and whatever
    the killed run had not stored is fetched.
    """
    db = open_db(db_path)
    rows = list(db.query("select id, finished from crawl_runs order by id desc limit 1"))
    if not rows:
        return False
    if rows[0]["finished"] is None:
        return True
    # Stopped early but recorded (Ctrl-C, SIGTERM: close reason "shutdown"): its lists were not walked either.
    return bool(list(db.query("select 1 from crawl_sites where run_id = ? and close_reason is not null "
                              "and close_reason != 'finished' limit 1", [rows[0]["id"]])))


def mark_killed_runs(db_path: str | Path) -> int:
    """Runs left 'running' by a killed process become 'killed' (called under the crawl lock)."""
    return mark_killed(open_db(db_path))


def open_run(db_path: str | Path, sites: Iterable[Any], *, registry_name: str, incremental: bool) -> OpenRun:
    """Record the registry's sites and open the run's `crawl_runs` row (status running); call under the lock."""
    sites = list(sites)
    db = open_db(db_path)
    upsert_sites(db, sites, registry_name)
    had_reports = {r["site"] for r in db.query("select distinct site from reports where site is not null")}
    resume = previous_run_interrupted(db_path)
    if resume:
        logger.warning("the previous crawl of %s did not finish: walking every list page", db_path)
        mark_killed_runs(db_path)
    started = _next_second_after_last_write(db)
    mode = "resume" if resume else "incremental" if incremental else "full"
    run_id = open_crawl_run(db, {"started": started, "registry": registry_name, "sites": len(sites), "mode": mode})
    return OpenRun(run_id, started, had_reports, resume)


def fail_run(db_path: str | Path, run_id: int) -> None:
    """A run that could not start or crashed is closed as failed, so the next night is not mistaken for
    the resumption of a killed one."""
    update_crawl_run(open_db(db_path), run_id, {"finished": utcnow(), "status": "failed"})


def close_run(db_path: str | Path, run: OpenRun, spiders: list[SpiderRun]) -> CrawlResult:
    """Mark skipped reports seen, write each site's `crawl_sites` row (alarms raised) and close the run."""
    _mark_listed(db_path, spiders, run.started)
    results = _collect(db_path, spiders, run.started, run.had_reports)
    record_run(db_path, run.run_id, results, run.started)
    _record_downloads(db_path, run.run_id, spiders)
    return CrawlResult(run.run_id, results)


def _next_second_after_last_write(db) -> str:
    """Now, once it is later than anything an earlier run stamped (timestamps have one-second
    resolution): "fetched or seen since the run started" must not take in the run before."""
    row = next(iter(db.query("select max(m) m from (select max(last_fetched_at) m from documents "
                             "union all select max(finished) from crawl_runs)")))
    deadline = time.monotonic() + 2  # a clock set back must not stall the night
    while (now := utcnow()) <= (row["m"] or "") and time.monotonic() < deadline:
        time.sleep(0.05)
    return now


def _mark_listed(db_path: str | Path, spiders: list[SpiderRun], started: str) -> None:
    """Reports skipped because their list entry is unchanged were still seen: bump last_seen."""
    urls = [u for spider in spiders for u in spider.skipped_urls]
    if not urls:
        return
    mark_reports_seen(open_db(db_path), urls, started)


def run_status(results: list[SiteResult]) -> str:
    """alarm > interrupted (a spider closed early: Ctrl-C, SIGTERM, a CLOSESPIDER limit) > ok."""
    if any(r.alarm for r in results):
        return "alarm"
    if any(r.close_reason not in (None, "finished") for r in results):
        return "interrupted"
    return "ok"


def _record_downloads(db_path: str | Path, run_id: int, spiders: list[SpiderRun]) -> None:
    """Requests sent (Scrapy's count) and bytes received from the sites (a 304: its headers only)."""
    requests = sum(int(s.stats.get("downloader/request_count", 0)) for s in spiders)
    response_bytes = sum(int(s.stats.get("nianbao/received_bytes", 0)) for s in spiders)
    update_crawl_run(open_db(db_path), run_id, {"requests": requests, "response_bytes": response_bytes})


def _collect(db_path: str | Path, spiders: list[SpiderRun], started: str, had_reports: set[str]) -> list[SiteResult]:
    """Each site's result from its spider's stats and the documents fetched since the run started."""
    db = open_db(db_path)
    out = []
    for spider in spiders:
        for site in spider.sites:
            prefix = f"nianbao/site/{site.slug}/"
            r = SiteResult(site.slug, spider.family)
            r.close_reason = spider.close_reason
            for k, v in spider.stats.items():
                if not k.startswith(prefix):
                    continue
                name = k[len(prefix):]
                if name.startswith("errors/"):
                    r.errors[name[len("errors/"):]] = v
                elif hasattr(r, name) and isinstance(v, int | str) and name != "alarm":
                    setattr(r, name, v)
            row = next(iter(db.query(
                # pages seen this run; a 304's own row is left out (the archived copy it touched counts)
                "select count(*) documents, coalesce(sum(size), 0) size from documents "
                "where site = ? and last_fetched_at >= ? and status != 304",
                [site.slug, started])))
            r.pages, r.bytes = row["documents"], row["size"]
            r.alarm = site_alarm(r, had_reports=site.slug in had_reports)
            if r.alarm:
                logger.error("ALARM %s: %s", site.slug, r.alarm)
            out.append(r)
    return out


def record_run(db_path: str | Path, run_id: int, results: list[SiteResult], started: str) -> None:
    """Write each site's `crawl_sites` row and the run's totals and status (the fleet writer's runs too)."""
    rows = [{
        "site": r.site, "spider": r.spider, "pages": r.pages, "bytes": r.bytes,
        "reports_seen": r.reports_seen, "reports_new": r.reports_new,
        "reports_changed": r.reports_changed, "reports_unchanged": r.reports_unchanged,
        "errors": sum(r.errors.values()), "errors_json": json.dumps(r.errors, sort_keys=True),
        "close_reason": r.close_reason, "alarm": r.alarm,
        "started": started, "finished": r.finished, "requests": r.requests,
        "received_bytes": r.received_bytes, "not_modified": r.not_modified,
        "reports_skipped": r.reports_skipped, "not_a_report": r.not_a_report,
        "pages_unread": r.pages_unread,
    } for r in results]
    totals = CrawlResult(run_id, results).totals()
    record_crawl_sites(open_db(db_path), run_id, rows, {
        "finished": utcnow(), "pages": totals["pages"], "bytes": totals["bytes"],
        "reports_new": totals["reports_new"], "reports_changed": totals["reports_changed"],
        "reports_unchanged": totals["reports_unchanged"], "reports_skipped": totals["reports_skipped"],
        "not_modified": totals["not_modified"], "pages_unread": totals["pages_unread"],
        "errors": sum(sum(r.errors.values()) for r in results),
        "alarms": sum(1 for r in results if r.alarm),
        "status": run_status(results),
    })
