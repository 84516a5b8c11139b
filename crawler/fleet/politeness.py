"""Per-site politeness for the fleet as a whole: a download slot per host, leased in Redis.

Scrapy's DOWNLOAD_DELAY and CONCURRENT_REQUESTS_PER_DOMAIN hold per process;
with N workers a site would see N times the load. Here each request first
takes one of the host's fleet-wide slots (at most NIANBAO_FLEET_SITE_CONCURRENCY
holders, starts at least NIANBAO_FLEET_SITE_DELAY seconds apart), and gives it
back when the response or error comes back. A slot is a lease that the
worker renews while the download runs, so a killed worker's slots free
themselves after NIANBAO_FLEET_SLOT_TTL seconds. A site's registry
`settings` may set `download_delay` and `concurrency`.
"""

from __future__ import annotations

import itertools
import logging
import random
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from crawler.fleet.keys import Keys, resilient
from crawler.fleet.queue import _NOW, RENEW

# ARGV: now ('' = Redis time), concurrency, delay, ttl, token. Returns 0 (taken), -1 (full) or ms to wait.
ACQUIRE = _NOW + """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return math.ceil((nxt - now) * 1000) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[5])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4])) + 60)
redis.call('SET', KEYS[2], string.format('%.6f', now + tonumber(ARGV[3])), 'EX', math.ceil(tonumber(ARGV[3])) + 60)
return 0
"""

logger = logging.getLogger(__name__)

BUSY_POLL = 0.05  # seconds between tries while every slot of a host is held


async def pause(seconds: float) -> None:
    """Sleep without blocking the reactor (imported late: Scrapy installs the reactor it wants first)."""
    from twisted.internet import reactor

    await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))


class FleetSlotMiddleware:
    """Downloader middleware, closest to the downloader: take a host slot before, give it back after."""

    def __init__(self, crawler: Crawler, client, keys: Keys, delay: float, concurrency: int, ttl: float,
                 jitter: float):
        self.crawler = crawler
        self.client = client
        self.keys = keys
        self.delay = delay
        self.concurrency = concurrency
        self.ttl = ttl
        self.jitter = jitter
        self.stats = crawler.stats
        self._acquire = client.register_script(ACQUIRE)
        self._renew = client.register_script(RENEW)
        self._tokens = itertools.count()
        self.worker = crawler.settings["NIANBAO_FLEET_WORKER"]
        self.held: dict[str, str] = {}  # token → host
        self._loop = task.LoopingCall(self.renew)
        crawler.signals.connect(self._start, signal=signals.engine_started)
        crawler.signals.connect(self._stop, signal=signals.engine_stopped)

    def _start(self) -> None:
        self._loop.start(self.ttl / 3, now=False)

    def _stop(self) -> None:
        if self._loop.running:
            self._loop.stop()

    def renew(self) -> None:
        """Extend the leases of the slots this worker holds (downloads still running)."""
        by_host: dict[str, list[str]] = {}
        for token, host in self.held.items():
            by_host.setdefault(host, []).append(token)
        try:
            for host, tokens in by_host.items():
                self._renew(keys=[self.keys.slot(host)], args=["", self.ttl, *tokens])
        except Exception:  # the next renewal retries; a slot lost meanwhile only frees a place early
            logger.exception("renewing fleet slots failed")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetSlotMiddleware:
        s = crawler.settings
        if not s.get("NIANBAO_FLEET_REDIS") or not s.getbool("NIANBAO_FLEET_POLITENESS", True):
            raise NotConfigured("not a fleet worker, or fleet politeness is off")
        return cls(crawler, resilient(s["NIANBAO_FLEET_REDIS"]), Keys(s.get("NIANBAO_FLEET_PREFIX") or "nianbao"),
                   delay=s.getfloat("NIANBAO_FLEET_SITE_DELAY", 2.0),
                   concurrency=s.getint("NIANBAO_FLEET_SITE_CONCURRENCY", 1),
                   ttl=s.getfloat("NIANBAO_FLEET_SLOT_TTL", 15.0),
                   jitter=s.getfloat("DOWNLOAD_DELAY_JITTER", 0.5))

    def _site_rules(self, request: Request) -> tuple[float, int]:
        spider = self.crawler.spider
        site = getattr(spider, "sites_by_slug", {}).get(request.meta.get("site", ""))
        conf = site.settings if site is not None else {}
        delay = float(conf.get("download_delay", self.delay))
        concurrency = int(conf.get("concurrency", self.concurrency))
        if self.jitter and delay:
            delay *= random.uniform(1 - self.jitter, 1 + self.jitter)  # as Scrapy's DOWNLOAD_DELAY_JITTER
        return delay, concurrency

    async def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        delay, concurrency = self._site_rules(request)
        token = f"{self.worker}:{next(self._tokens)}"
        waited = False
        while True:
            wait_ms = self._acquire(keys=[self.keys.slot(host), self.keys.slot_next(host)],
                                    args=["", concurrency, delay, self.ttl, token])
            if wait_ms == 0:
                break
            waited = True
            wait = BUSY_POLL if wait_ms < 0 else min(wait_ms / 1000, 1.0)
            await pause(wait)
        if waited:
            self.stats.inc_value("nianbao/fleet/slot_waits")
        request.meta["fleet_slot"] = (host, token)
        self.held[token] = host
        return None

    def _release(self, request: Request) -> None:
        held = request.meta.pop("fleet_slot", None)
        if held:
            host, token = held
            self.held.pop(token, None)
            self.client.zrem(self.keys.slot(host), token)

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: BaseException) -> None:
        self._release(request)
        return None
