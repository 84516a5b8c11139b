"""A night's run shared by the whole fleet: one token, seeded once, finished when the frontier is empty.

The first worker to join creates the run in Redis and tells the writer
(`run_start` on the stream), which opens the `crawl_runs` row. Each spider's
start requests are queued by one worker only (the one that claims its seed
key), because column requests bypass the duplicate filter. The writer
closes the run when every seed is done, the frontier and the stream are
empty and no worker is alive.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from typing import Any

import redis

from crawler.fleet.keys import Keys
from crawler.record.store import utcnow

logger = logging.getLogger(__name__)

WORKER_TTL = 30.0  # seconds without a heartbeat before a worker counts as gone


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:4]}"


def server_now(client: redis.Redis) -> float:
    sec, usec = client.time()
    return sec + usec / 1e6


def site_record(site: Any) -> dict:
    """What the writer needs of a registry entry to fill the `sites` table."""
    return {k: getattr(site, k, None) for k in ("slug", "name", "code", "level", "family", "guessed", "source")}


class FleetRun:
    """One worker's view of the shared run."""

    def __init__(self, client: redis.Redis, keys: Keys, worker: str, ttl: float = WORKER_TTL):
        self.client = client
        self.keys = keys
        self.worker = worker
        self.ttl = ttl
        self.token: str | None = None

    # -- joining -----------------------------------------------------------------
    def join(self, registry: str, sites: list[Any]) -> str:
        """The current run's token, creating the run (and telling the writer) if there is none."""
        token = uuid.uuid4().hex
        spiders = sorted({s.family for s in sites})
        if self.client.hsetnx(self.keys.run, "token", token):
            started = utcnow()
            self.client.hset(self.keys.run, mapping={
                "started": started, "registry": registry, "crawler.spiders": json.dumps(spiders)})
            self.client.xadd(self.keys.stream, {
                "kind": "run_start", "run": token, "started": started, "registry": registry,
                "crawler.spiders": json.dumps(spiders),
                "sites": json.dumps([site_record(s) for s in sites], ensure_ascii=False)})
            logger.info("fleet run %s started by %s", token, self.worker)
        else:
            token = self.client.hget(self.keys.run, "token").decode()
            known = json.loads(self.client.hget(self.keys.run, "crawler.spiders") or b"[]")
            if set(spiders) - set(known):
                self.client.hset(self.keys.run, "crawler.spiders", json.dumps(sorted(set(known) | set(spiders))))
            logger.info("worker %s joined fleet run %s", self.worker, token)
        self.token = token
        self.heartbeat()
        return token

    def heartbeat(self) -> None:
        self.client.zadd(self.keys.workers, {self.worker: server_now(self.client) + self.ttl})

    def leave(self) -> None:
        self.client.zrem(self.keys.workers, self.worker)

    # -- seeding -----------------------------------------------------------------
    def claim_seed(self, spider: str) -> bool:
        """SET NX, but also True when the key already names this worker: a retried SET whose first
        try was applied before Redis went away answers "not set", and the seed must not be orphaned."""
        key = self.keys.seeded(spider)
        if self.client.set(key, self.worker, nx=True):
            return True
        holder = self.client.get(key)
        return holder is not None and holder.decode() == str(self.worker)

    def seed_done(self, spider: str) -> None:
        self.client.set(self.keys.seeded(spider), "done")

    def seed_pending(self, spider: str) -> bool:
        """True while a live worker is still queueing this spider's start requests."""
        holder = self.client.get(self.keys.seeded(spider))
        if holder is None or holder == b"done":
            return False
        score = self.client.zscore(self.keys.workers, holder)
        return score is not None and score > server_now(self.client)

    # -- leaving -------------------------------------------------------------------
    def report(self, stats: dict[str, Any]) -> None:
        """Add this worker's per-site counters (requests, errors…) to the run's; tell the writer it left."""
        prefix = "nianbao/site/"
        counts = {k[len(prefix):]: v for k, v in stats.items()
                  if k.startswith(prefix) and isinstance(v, int) and not isinstance(v, bool)}
        pipe = self.client.pipeline()
        for k, v in counts.items():
            pipe.hincrby(self.keys.run_stats, k, v)
        pipe.xadd(self.keys.stream, {"kind": "worker_end", "run": self.token or "", "worker": self.worker})
        pipe.execute()


def live_workers(client: redis.Redis, keys: Keys) -> int:
    return int(client.zcount(keys.workers, f"({server_now(client)}", "+inf"))
