"""`nianbao crawl --redis URL`: one worker of a fleet, same spiders and registry as a single crawl.

Differences from crawler/crawl/runner.py's single-machine crawl, all in settings:
the scheduler and fingerprints are in Redis (crawler/fleet/scheduler.py),
politeness is fleet-wide (crawler/fleet/politeness.py) so Scrapy's own
per-process delay and AutoThrottle are off, and documents and report items
go to the writer's stream (crawler/fleet/sink.py) instead of archive.db.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.spiderloader import SpiderLoader

from crawler.crawl.runner import project_settings
from crawler.fleet.keys import Keys, resilient
from crawler.fleet.run import FleetRun, worker_id

logger = logging.getLogger(__name__)


@dataclass
class WorkerResult:
    worker: str
    run: str
    documents: int = 0
    reports: int = 0
    requeued: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    close_reasons: dict[str, str] = field(default_factory=dict)


def fleet_settings(base: Any, redis_url: str, *, prefix: str, worker: str, run: str) -> dict[str, Any]:
    """The settings that turn a single-machine crawl into one worker of a fleet."""
    mws = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    mws["crawler.fleet.politeness.FleetSlotMiddleware"] = 990  # closest to the downloader
    spider_mws = dict(base.getdict("SPIDER_MIDDLEWARES"))
    spider_mws["crawler.fleet.seed.SeedOnceMiddleware"] = 10
    pipelines = dict(base.getdict("ITEM_PIPELINES"))
    pipelines["crawler.crawl.pipelines.ReportPipeline"] = None
    pipelines["crawler.fleet.sink.StreamPipeline"] = 300
    return {
        "NIANBAO_FLEET_REDIS": redis_url,
        "NIANBAO_FLEET_PREFIX": prefix,
        "NIANBAO_FLEET_WORKER": worker,
        "NIANBAO_FLEET_RUN": run,
        "NIANBAO_DOCUMENT_STORE": "crawler.fleet.sink.StreamDocumentStore",
        "NIANBAO_CONDITIONAL_GET": False,
        "SCHEDULER": "crawler.fleet.scheduler.FleetScheduler",
        "DUPEFILTER_CLASS": "crawler.fleet.scheduler.FleetDupeFilter",
        "JOBDIR": None,
        # Politeness is enforced fleet-wide per host; the local limits must not add to it.
        "NIANBAO_FLEET_SITE_DELAY": base.getfloat("NIANBAO_FLEET_SITE_DELAY", base.getfloat("DOWNLOAD_DELAY")),
        "NIANBAO_FLEET_SITE_CONCURRENCY": base.getint("NIANBAO_FLEET_SITE_CONCURRENCY",
                                                      base.getint("CONCURRENT_REQUESTS_PER_DOMAIN")),
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": base.getint("CONCURRENT_REQUESTS"),
        "DOWNLOADER_MIDDLEWARES": mws,
        "SPIDER_MIDDLEWARES": spider_mws,
        "ITEM_PIPELINES": pipelines,
    }


def run_worker(db_path: str | Path, sites: Iterable[Any], *, redis_url: str, registry_name: str = "",
               settings: dict[str, Any] | None = None, settings_module: str | None = None,
               prefix: str = "nianbao", incremental: bool = True) -> WorkerResult:
    """Crawl as one worker until the fleet's frontier is empty; blocking; one call per process.

    `db_path` only places the WARC directory (archive/ beside it, or
    NIANBAO_ARCHIVE_DIR); the database itself is the writer's.
    """
    from crawler.fleet.sink import StreamDocumentStore

    sites = list(sites)
    keys = Keys(prefix)
    client = resilient(redis_url)
    me = worker_id()
    base = project_settings(db_path, settings, settings_module)
    run = FleetRun(client, keys, me, base.getfloat("NIANBAO_FLEET_WORKER_TTL", 30.0))
    token = run.join(registry_name, sites)
    # {url: list date}, as crawler.crawl.incremental.known_reports gives a single-machine crawl
    known = ({u.decode(): (d.decode() or None) for u, d in client.hgetall(keys.known).items()}
             if incremental else {})
    for k, v in fleet_settings(base, redis_url, prefix=prefix, worker=me, run=token).items():
        base.set(k, v, priority="cmdline")
    process = CrawlerProcess(base)
    loader = SpiderLoader.from_settings(base)
    crawlers = []
    for family in sorted({s.family for s in sites}):
        crawler = process.create_crawler(loader.load(family))
        crawlers.append(crawler)
        process.crawl(crawler, sites=[s for s in sites if s.family == family], known_urls=known)
    try:
        process.start()
    finally:
        StreamDocumentStore.close_shared()
    result = WorkerResult(me, token)
    merged: dict[str, Any] = {}
    for crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        result.close_reasons[crawler.spidercls.name] = str(stats.get("finish_reason"))
        result.documents += stats.get("nianbao/archived", 0)
        result.reports += stats.get("nianbao/reports_seen", 0)
        result.requeued += stats.get("nianbao/fleet/requeued", 0)
        for k, v in stats.items():
            if k.startswith("nianbao/errors/"):
                result.errors[k[len("nianbao/errors/"):]] = result.errors.get(k[len("nianbao/errors/"):], 0) + v
            if isinstance(v, int):
                merged[k] = merged.get(k, 0) + v
    run.report(merged)
    run.leave()
    return result
