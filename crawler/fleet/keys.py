"""Redis key names and the connection, in one place so workers and writer agree.

Every key starts with a prefix (`nianbao` by default), so several fleets can
share one Redis database, and tests can isolate themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

DEFAULT_PREFIX = "nianbao"


def connect(url: str) -> redis.Redis:
    """A client that returns bytes (stream bodies are binary) and retries on timeouts."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True,
                                health_check_interval=30)


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    def k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    # -- frontier (per spider) ---------------------------------------------------
    def queue(self, spider: str) -> str:
        return self.k(spider, "requests")

    def processing(self, spider: str) -> str:
        """zset: leased request → lease expiry (server time, seconds)."""
        return self.k(spider, "processing")

    def priorities(self, spider: str) -> str:
        """hash: leased request → its queue score, to requeue it where it was."""
        return self.k(spider, "priorities")

    def dupefilter(self, spider: str) -> str:
        return self.k(spider, "dupefilter")

    def seeded(self, spider: str) -> str:
        return self.k("run", "seeded", spider)

    # -- the run, the workers ----------------------------------------------------
    @property
    def run(self) -> str:
        return self.k("run")

    @property
    def run_stats(self) -> str:
        return self.k("run", "stats")

    @property
    def workers(self) -> str:
        """zset: worker id → heartbeat expiry."""
        return self.k("workers")

    def slot(self, host: str) -> str:
        """zset of holders of a site's fleet-wide download slot (→ expiry); hash field `next`."""
        return self.k("slot", host)

    def slot_next(self, host: str) -> str:
        return self.k("slot", host, "next")

    # -- writer hand-off -----------------------------------------------------------
    @property
    def stream(self) -> str:
        return self.k("stream")

    @property
    def group(self) -> str:
        return "writer"

    @property
    def payloads(self) -> str:
        """hash: payload sha256 → "warc_file offset length" of its first response record."""
        return self.k("payloads")

    @property
    def known_urls(self) -> str:
        """set: report URLs already in archive.db (incremental paging stops on them)."""
        return self.k("known_urls")


def resilient(url: str) -> redis.Redis:
    """`connect`, but riding out a Redis restart: connection errors are retried with backoff for ~2 min."""
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import BusyLoadingError, ConnectionError, TimeoutError
    from redis.retry import Retry

    retry = Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=80)
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=5, retry=retry,
                                retry_on_error=[ConnectionError, TimeoutError, BusyLoadingError],
                                health_check_interval=30)
