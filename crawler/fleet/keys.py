"""Redis key names and the connection, in one place so workers and writer agree.

Every key starts with a prefix (`nianbao` by default), so several fleets can
share one Redis database, and tests can isolate themselves.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import redis
import redis.client

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
    def primed(self) -> str:
        """Set by the writer once `known` and `payloads` reflect archive.db."""
        return self.k("primed")

    @property
    def known(self) -> str:
        """hash: report URL already in archive.db → its list date ("" if none): incremental crawling."""
        return self.k("known")


RIDE_OUT = 120.0  # seconds a command keeps retrying while Redis is away (a restart, a failover)


def _retrying(call):
    """Retry `call` on connection errors with backoff, up to RIDE_OUT seconds."""
    deadline = time.monotonic() + RIDE_OUT
    pause = 0.05
    while True:
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
            if time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


class ResilientPipeline(redis.client.Pipeline):
    def execute(self, raise_on_error: bool = True):
        stack = list(self.command_stack)

        def run():
            self.command_stack = list(stack)
            return redis.client.Pipeline.execute(self, raise_on_error)

        return _retrying(run)


class ResilientRedis(redis.Redis):
    """A client that rides out a Redis restart: every command (and pipeline) is retried.

    redis-py's own Retry covers a dropped connection but not a refused
    reconnect from the pool, which is what a restart looks like. A retried
    write may be applied twice; everything the fleet writes is idempotent or
    deduplicated by the writer.
    """

    def execute_command(self, *args, **options):
        return _retrying(lambda: redis.Redis.execute_command(self, *args, **options))

    def pipeline(self, transaction: bool = True, shard_hint=None) -> ResilientPipeline:
        return ResilientPipeline(self.connection_pool, self.response_callbacks, transaction, shard_hint)


def resilient(url: str) -> redis.Redis:
    """`connect`, but riding out a Redis restart (see ResilientRedis)."""
    return ResilientRedis.from_url(url, socket_timeout=30, socket_connect_timeout=5, health_check_interval=30)
