"""Start requests are queued by one worker per run and spider, not by every worker that joins.

Column requests are `dont_filter` (a column is always re-read), so the shared
fingerprint set would not stop N workers from queueing them N times.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from crawler.fleet.keys import Keys, resilient
from crawler.fleet.run import FleetRun

logger = logging.getLogger(__name__)


class SeedOnceMiddleware:
    """Spider middleware: pass start requests through only for the worker that claims the seed."""

    def __init__(self, crawler: Crawler, run: FleetRun):
        self.crawler = crawler
        self.run = run

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeedOnceMiddleware:
        s = crawler.settings
        if not s.get("NIANBAO_FLEET_REDIS"):
            raise NotConfigured("not a fleet worker")
        run = FleetRun(resilient(s["NIANBAO_FLEET_REDIS"]), Keys(s.get("NIANBAO_FLEET_PREFIX") or "nianbao"),
                       s["NIANBAO_FLEET_WORKER"])
        return cls(crawler, run)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        name = self.crawler.spider.name
        if not self.run.claim_seed(name):
            logger.info("%s: start requests already queued by another worker", name)
            return
        queued = 0
        async for request in start:
            queued += 1
            yield request
        self.run.seed_done(name)
        logger.info("%s: queued %d start requests for the fleet", name, queued)
