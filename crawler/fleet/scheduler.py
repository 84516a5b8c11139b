"""The fleet's scheduler: scrapy-redis's, with leased pops and fleet-aware idleness.

* Requests are popped with a lease (crawler/fleet/queue.py) and acked once
  the engine is done with them: downloaded, archived, their callback's items
  handed to the writer and follow-ups queued (the engine's in-progress set).
* A new request is marked seen and queued by one Lua script, so a Redis
  restart between the two, or a lost reply, cannot drop it.
* A tick renews held leases, requeues expired ones (a dead worker's), keeps
  this worker's heartbeat, and wakes the engine when others queued work.
* The spider is not idle while another worker holds leases or is still
  seeding: their requests may yet come back or bring follow-ups.
* A worker runs one crawler per CMS family; together they hold at most
  NIANBAO_FLEET_WORKER_CONCURRENCY leases (default CONCURRENT_REQUESTS), so a
  worker takes no more from the shared queue than it can fetch.
* Closing never flushes the shared frontier; a worker that stops early gives
  its leases back at once.
"""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy_redis import picklecompat
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from crawler.fleet.keys import Keys, resilient
from crawler.fleet.queue import LeasedQueue
from crawler.fleet.run import FleetRun

logger = logging.getLogger(__name__)

#: The schedulers of this process, one per family crawler: they share the worker's concurrency cap.
_siblings: list[FleetScheduler] = []


def held_in_process() -> int:
    return sum(len(s.held) for s in _siblings)


class FleetDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, without its deprecated spider-argument logging."""

    def log(self, request: Request, spider=None) -> None:  # noqa: ARG002 - Scrapy's signature
        if self.debug:
            self.logger.debug("Filtered duplicate request: %(request)s", {"request": request})


class FleetScheduler(Scheduler):
    """See the module docstring. Settings: NIANBAO_FLEET_REDIS, NIANBAO_FLEET_PREFIX, NIANBAO_FLEET_LEASE."""

    def __init__(self, server, *, keys: Keys, run: FleetRun, lease_seconds: float, tick: float, crawler: Crawler,
                 **kwargs):
        super().__init__(server, persist=True, **kwargs)
        self.keys = keys
        self.run = run
        self.lease_seconds = lease_seconds
        self.tick_seconds = tick
        self.crawler = crawler
        self.stats = crawler.stats
        self.held: dict[Request, bytes] = {}
        self.worker_cap = crawler.settings.getint("NIANBAO_FLEET_WORKER_CONCURRENCY",
                                                  crawler.settings.getint("CONCURRENT_REQUESTS"))
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FleetScheduler:
        s = crawler.settings
        server = resilient(s["NIANBAO_FLEET_REDIS"])
        keys = Keys(s.get("NIANBAO_FLEET_PREFIX") or "nianbao")
        run = FleetRun(server, keys, s["NIANBAO_FLEET_WORKER"], s.getfloat("NIANBAO_FLEET_WORKER_TTL", 30.0))
        run.token = s.get("NIANBAO_FLEET_RUN")
        lease = s.getfloat("NIANBAO_FLEET_LEASE", 60.0)
        return cls(server, keys=keys, run=run, lease_seconds=lease, tick=min(1.0, lease / 4), crawler=crawler,
                   serializer=picklecompat, queue_cls="crawler.fleet.queue.LeasedQueue",
                   idle_before_close=0)

    # -- lifecycle -----------------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        name = spider.name
        self.queue = LeasedQueue(self.server, spider, self.keys.queue(name), self.serializer,
                                 processing_key=self.keys.processing(name),
                                 priorities_key=self.keys.priorities(name), lease_seconds=self.lease_seconds)
        self.df = FleetDupeFilter(self.server, key=self.keys.dupefilter(name),
                                  debug=self.crawler.settings.getbool("DUPEFILTER_DEBUG"))
        if len(self.queue) or self.queue.leased():
            logger.info("%s: joining a crawl in progress (%d queued, %d leased)", name, len(self.queue),
                        self.queue.leased())
        self._loop = task.LoopingCall(self.tick)
        self._loop.start(self.tick_seconds, now=False)
        _siblings.append(self)

    def close(self, reason: str) -> None:
        if self in _siblings:
            _siblings.remove(self)
        if self._loop and self._loop.running:
            self._loop.stop()
        self._ack_finished()
        if self.held:
            released = self.queue.release(list(self.held.values()))
            logger.info("%s closing (%s): %d leased requests given back", self.spider.name, reason, released)
            self.held.clear()

    # -- the frontier ----------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        if request.dont_filter:
            self.queue.push(request)
        elif not self.queue.push_unseen(request, self.df.request_fingerprint(request), self.df.key):
            self.df.log(request)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        self._ack_finished()
        if self.worker_cap and held_in_process() >= self.worker_cap:
            return None  # the worker is full; an ack (here or in a sibling) wakes us
        popped = self.queue.pop_leased()
        if popped is None:
            return None
        request, member = popped
        self.held[request] = member
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        self._ack_finished()
        if len(self.queue) or self.queue.leased():
            return True
        pending = self.run.seed_pending(self.spider.name)
        if not pending:
            logger.info("%s: fleet frontier empty (seed %s)", self.spider.name,
                           self.server.get(self.keys.seeded(self.spider.name)))
        return pending

    # -- leases ------------------------------------------------------------------------
    def _in_progress(self) -> set[Request] | None:
        """The engine's requests not yet done (Scrapy 2.19's `ExecutionEngine._slot.inprogress`).

        Scrapy has no signal for "callback output fully processed"; this set is
        what the engine itself waits on before closing. Scrapy is pinned, and
        tests/test_fleet.py fails (no worker finishes) if the attribute moves.
        """
        slot = getattr(self.crawler.engine, "_slot", None)
        busy = getattr(slot, "inprogress", None)
        if busy is None:
            return None
        # Also the responses the scraper is still running callbacks on: their follow-up
        # requests are not queued yet, so their leases must not be acked.
        scraping = getattr(getattr(getattr(self.crawler.engine, "scraper", None), "slot", None), "active", ())
        return set(busy) | set(scraping)

    def _ack_finished(self) -> None:
        """Ack held requests the engine is done with (downloaded, scraped, follow-ups queued)."""
        if not self.held:
            return
        busy = self._in_progress()
        if busy is None:
            return
        done = [r for r in self.held if r not in busy]
        if done:
            self.queue.ack([self.held.pop(r) for r in done])
            self.stats.inc_value("nianbao/fleet/acked", len(done))
            for sibling in _siblings:
                if sibling is not self:
                    sibling.wake()

    def tick(self) -> None:
        """Renew leases, requeue expired ones, heartbeat, wake the engine if work is queued."""
        try:
            self._ack_finished()
            if self.held:
                self.queue.renew(list(self.held.values()))
            moved = self.queue.requeue_expired()
            if moved:
                logger.warning("%s: %d expired leases requeued (a worker died?)", self.spider.name, moved)
                self.stats.inc_value("nianbao/fleet/requeued", moved)
            self.run.heartbeat()
            if len(self.queue):
                self.wake()
        except Exception:  # a Redis hiccup must not stop the loop; the next tick retries
            logger.exception("fleet scheduler tick failed")

    def wake(self) -> None:
        """Have the engine ask for requests again (work was queued, or the worker has room)."""
        nextcall = getattr(getattr(self.crawler.engine, "_slot", None), "nextcall", None)
        if nextcall is not None:
            nextcall.schedule()
