"""Scrapy extension: `scrapy crawl FAMILY` records its crawl run as `nianbao crawl` does.

Without it a `scrapy crawl` run would leave no `crawl_runs` row, no per-site
rows and no alarm, and would fetch every known report again. It uses the
runner's own code (crawler/crawl/runs.py), as city-scrapers-core's status
extension reports each spider's health from the spider's side.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.crawl.incremental import known_reports
from crawler.crawl.runs import CrawlLock, OpenRun, SpiderRun, close_run, open_run

logger = logging.getLogger(__name__)


class CrawlRunExtension:
    """Opens a `crawl_runs` row when the spider opens; writes its sites' rows and closes the run when it closes.

    Under the archive's lock, like the runner: a second crawl of the same archive stops before it starts.
    The spider is given the known reports (NIANBAO_INCREMENTAL, on by default; off is `nianbao crawl --full`)
    unless ``-a known_urls=…`` named them, and walks every list page after a killed run. Derived data is
    refreshed at the end, as after `nianbao crawl`. Off without NIANBAO_DB, in a fleet worker (the writer
    records the fleet's run) and under the runner (NIANBAO_RECORD_RUN off: it records its run itself).
    """

    def __init__(self, crawler: Crawler, db_path: str, incremental: bool):
        self.crawler = crawler
        self.db_path = db_path
        self.incremental = incremental
        self.lock = CrawlLock(db_path)
        self.run: OpenRun | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunExtension:
        settings = crawler.settings
        db = settings.get("NIANBAO_DB")
        if not db:
            raise NotConfigured("NIANBAO_DB is not set")
        if settings.get("NIANBAO_DOCUMENT_STORE"):
            raise NotConfigured("a fleet worker: the writer records the run")
        if not settings.getbool("NIANBAO_RECORD_RUN", True):
            raise NotConfigured("the runner records this run")
        ext = cls(crawler, str(db), settings.getbool("NIANBAO_INCREMENTAL", True))
        ext.lock.acquire()  # CrawlFailed: another crawl of this archive is running; nothing starts
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.lock.release, signal=signals.engine_stopped)
        return ext

    def spider_opened(self) -> None:
        spider = self.crawler.spider
        sites = list(getattr(spider, "sites", None) or [])
        self.run = open_run(self.db_path, sites, registry_name=getattr(spider, "registry_name", ""),
                            incremental=self.incremental)
        if self.incremental and not getattr(spider, "known_urls", None):
            spider.known_urls = known_reports(self.db_path)
        if self.run.resume:
            spider.stop_at_known = False
        logger.info("crawl run %d opened: %s, %d site(s)", self.run.run_id, spider.name, len(sites))

    def spider_closed(self, reason: str) -> None:
        if self.run is None:  # spider_opened failed (logged by Scrapy): nothing to close
            return
        from crawler.derive import refresh_derived  # views and search indexes load slowly: only at the end

        spider = self.crawler.spider
        stats: dict[str, Any] = self.crawler.stats.get_stats() if self.crawler.stats else {}
        run = SpiderRun(spider.name, list(getattr(spider, "sites", None) or []), stats,
                        list(getattr(spider, "skipped_urls", [])), reason)
        result = close_run(self.db_path, self.run, [run])
        refresh_derived(self.db_path, today=dt.date.today())
        totals = result.totals()
        logger.info("crawl run %d closed (%s): %d pages, %d new, %d changed, %d unchanged reports; %d alarms",
                    result.run_id, reason, totals["pages"], totals["reports_new"], totals["reports_changed"],
                    totals["reports_unchanged"], len(result.alarms))
