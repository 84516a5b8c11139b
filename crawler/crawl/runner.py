"""Run a crawl of a registry in this process and record what it did.

One Scrapy CrawlerProcess runs one spider per CMS family present in the
registry, each given its own sites. Before it starts, a `crawl_runs` row is
opened; after it stops, per-site rows are written from the crawlers' stats,
and a site that yielded reports before but none now raises an alarm.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.crawl.health import site_alarm
from crawler.crawl.incremental import known_reports
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


#: The production profile; crawler/settings/ also holds `demo`, `fleet_demo` and `tests`.
DEFAULT_SETTINGS_MODULE = "crawler.settings"


def project_settings(db_path: str | Path, overrides: dict[str, Any] | None = None,
                     module: str | None = None) -> Settings:
    """A settings profile (module, else $SCRAPY_SETTINGS_MODULE, else crawler.settings), the archive path
    and any `-s NAME=VALUE` overrides, in Scrapy's order of precedence."""
    settings = Settings()
    settings.setmodule(module or os.environ.get("SCRAPY_SETTINGS_MODULE") or DEFAULT_SETTINGS_MODULE,
                       priority="project")
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
    for k, v in (overrides or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


def _sites_with_reports(db_path: str | Path) -> set[str]:
    db = open_db(db_path)
    return {r["site"] for r in db.query("select distinct site from reports where site is not null")}


@contextmanager
def crawl_lock(db_path: str | Path):
    """One crawl per archive at a time: a second one (cron overlapping a slow night) stops at once."""
    lock_path = Path(f"{db_path}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)  # a new archive in a folder not made yet
    with open(lock_path, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as e:
            raise CrawlFailed(f"{db_path}: another crawl is running (lock {lock_path})") from e
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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


def crawl(
    db_path: str | Path,
    sites: Iterable[Any],
    *,
    registry_name: str = "",
    settings: dict[str, Any] | None = None,
    settings_module: str | None = None,
    incremental: bool = True,
) -> CrawlResult:
    """Crawl every site (registry.Site objects) once; blocking; one call per process.

    `settings_module` is the profile (crawler/settings/), `settings` the `-s` overrides on top.
    """
    with crawl_lock(db_path):
        return _crawl(db_path, list(sites), registry_name=registry_name, settings=settings,
                      settings_module=settings_module, incremental=incremental)


def _crawl(db_path: str | Path, sites: list[Any], *, registry_name: str, settings: dict[str, Any] | None,
           settings_module: str | None, incremental: bool) -> CrawlResult:
    from crawler.archive.documents import DocumentStore

    db = open_db(db_path)
    upsert_sites(db, sites, registry_name)
    had_reports = _sites_with_reports(db_path)
    resume = previous_run_interrupted(db_path)
    if resume:
        logger.warning("the previous crawl of %s did not finish: walking every list page", db_path)
        mark_killed_runs(db_path)
    started = _next_second_after_last_write(db)
    mode = "resume" if resume else "incremental" if incremental else "full"
    run_id = open_crawl_run(db, {"started": started, "registry": registry_name, "sites": len(sites), "mode": mode})
    try:
        crawlers = _run_spiders(db_path, sites, project_settings(db_path, settings, settings_module),
                                incremental=incremental, resume=resume)
    except BaseException:
        # A run that could not start or crashed is closed as failed, so the next night is not
        # mistaken for the resumption of a killed one.
        update_crawl_run(db, run_id, {"finished": utcnow(), "status": "failed"})
        raise
    DocumentStore.close_shared()
    _mark_listed(db_path, crawlers, started)
    results = _collect(db_path, crawlers, started, had_reports)
    _record_run(db_path, run_id, results, started)
    _record_downloads(db_path, run_id, crawlers)
    return CrawlResult(run_id, results)


def _next_second_after_last_write(db) -> str:
    """Now, once it is later than anything an earlier run stamped (timestamps have one-second
    resolution): "fetched or seen since the run started" must not take in the run before."""
    row = next(iter(db.query("select max(m) m from (select max(last_fetched_at) m from documents "
                             "union all select max(finished) from crawl_runs)")))
    deadline = time.monotonic() + 2  # a clock set back must not stall the night
    while (now := utcnow()) <= (row["m"] or "") and time.monotonic() < deadline:
        time.sleep(0.05)
    return now


def _run_spiders(db_path: str | Path, sites: list[Any], scrapy_settings: Settings, *, incremental: bool,
                 resume: bool) -> dict:
    """One crawler per CMS family, all in one CrawlerProcess; blocks until every spider closes."""
    # {url: list date}: known reports whose list entry is unchanged are not fetched (--full: none known)
    known = known_reports(db_path) if incremental else {}
    process = CrawlerProcess(scrapy_settings)
    loader = SpiderLoader.from_settings(scrapy_settings)
    crawlers = {}
    for family in sorted({s.family for s in sites}):
        spider_cls = loader.load(family)
        family_sites = [s for s in sites if s.family == family]
        crawler = process.create_crawler(spider_cls)
        crawlers[family] = (crawler, family_sites)
        process.crawl(crawler, sites=family_sites, known_urls=known, stop_at_known=not resume)
    process.start()
    return crawlers


def _mark_listed(db_path: str | Path, crawlers: dict, started: str) -> None:
    """Reports skipped because their list entry is unchanged were still seen: bump last_seen."""
    urls = [u for crawler, _ in crawlers.values() for u in getattr(crawler.spider, "skipped_urls", [])]
    if not urls:
        return
    mark_reports_seen(open_db(db_path), urls, started)


def _run_status(results: list[SiteResult]) -> str:
    """alarm > interrupted (a spider closed early: Ctrl-C, SIGTERM, a CLOSESPIDER limit) > ok."""
    if any(r.alarm for r in results):
        return "alarm"
    if any(r.close_reason not in (None, "finished") for r in results):
        return "interrupted"
    return "ok"


def _record_downloads(db_path: str | Path, run_id: int, crawlers: dict) -> None:
    """Requests sent (Scrapy's count) and bytes received from the sites (a 304: its headers only)."""
    requests = response_bytes = 0
    for crawler, _ in crawlers.values():
        stats = crawler.stats.get_stats() if crawler.stats else {}
        requests += int(stats.get("downloader/request_count", 0))
        response_bytes += int(stats.get("nianbao/received_bytes", 0))
    update_crawl_run(open_db(db_path), run_id, {"requests": requests, "response_bytes": response_bytes})


def _collect(db_path: str | Path, crawlers: dict, started: str, had_reports: set[str]) -> list[SiteResult]:
    db = open_db(db_path)
    out = []
    for family, (crawler, family_sites) in crawlers.items():
        stats = crawler.stats.get_stats() if crawler.stats else {}
        for site in family_sites:
            prefix = f"nianbao/site/{site.slug}/"
            r = SiteResult(site.slug, family)
            r.close_reason = stats.get("finish_reason")
            for k, v in stats.items():
                if not k.startswith(prefix):
                    continue
                name = k[len(prefix):]
                if name.startswith("errors/"):
                    r.errors[name[len("errors/"):]] = v
                elif hasattr(r, name) and isinstance(v, int | str) and name != "alarm":
                    setattr(r, name, v)
            row = next(iter(db.query(
                # pages seen this run; a 304's own row is left out (the archived copy it touched counts)
                "select count(*) n, coalesce(sum(size), 0) b from documents "
                "where site = ? and last_fetched_at >= ? and status != 304",
                [site.slug, started])))
            r.pages, r.bytes = row["n"], row["b"]
            r.alarm = site_alarm(r, had_reports=site.slug in had_reports)
            if r.alarm:
                logger.error("ALARM %s: %s", site.slug, r.alarm)
            out.append(r)
    return out


def _record_run(db_path: str | Path, run_id: int, results: list[SiteResult], started: str) -> None:
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
    tot = CrawlResult(run_id, results).totals()
    record_crawl_sites(open_db(db_path), run_id, rows, {
        "finished": utcnow(), "pages": tot["pages"], "bytes": tot["bytes"],
        "reports_new": tot["reports_new"], "reports_changed": tot["reports_changed"],
        "reports_unchanged": tot["reports_unchanged"], "reports_skipped": tot["reports_skipped"],
        "not_modified": tot["not_modified"], "pages_unread": tot["pages_unread"],
        "errors": sum(sum(r.errors.values()) for r in results),
        "alarms": sum(1 for r in results if r.alarm),
        "status": _run_status(results),
    })
