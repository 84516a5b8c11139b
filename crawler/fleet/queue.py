"""scrapy-redis's priority queue with leases: a popped request is held, not gone.

scrapy-redis pops a request by deleting it from the queue, so a worker killed
while downloading it loses it. Here a pop moves it, atomically, into a
`processing` zset scored by its lease expiry (Redis server time, so workers'
clocks do not matter; a test may pass its own clock instead, and move it). The worker renews the leases of what it holds and
acks a request once its response is archived, its items handed to the
writer and its follow-up requests queued. Any live worker moves expired
leases back into the queue, with their original priority.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy import Request
from scrapy_redis.queue import PriorityQueue

# Every script that reads the time takes it as ARGV[1]: '' for Redis's own clock (TIME), or the
# seconds of a clock the caller injects (tests move it instead of sleeping past a lease).
_NOW = """local now
if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else
  local t = redis.call('TIME'); now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""

POP = _NOW + """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), r[1])
redis.call('HSET', KEYS[3], r[1], r[2])
return r[1]
"""

RENEW = _NOW + """
local n = 0
for i = 3, #ARGV do
  n = n + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[i])
end
return n
"""

REQUEUE_EXPIRED = _NOW + """
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, m in ipairs(expired) do
  local score = redis.call('HGET', KEYS[3], m) or 0
  redis.call('ZADD', KEYS[2], score, m)
  redis.call('ZREM', KEYS[1], m)
  redis.call('HDEL', KEYS[3], m)
end
return #expired
"""

PUSH_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

RELEASE = """
local n = 0
for i = 1, #ARGV do
  if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then
    local score = redis.call('HGET', KEYS[3], ARGV[i]) or 0
    redis.call('ZADD', KEYS[2], score, ARGV[i])
    redis.call('HDEL', KEYS[3], ARGV[i])
    n = n + 1
  end
end
return n
"""


class LeasedQueue(PriorityQueue):
    """A PriorityQueue whose `pop_leased` returns (request, lease member); see the module docstring."""

    def __init__(self, server, spider, key, serializer=None, *, processing_key: str, priorities_key: str,
                 lease_seconds: float = 60.0, clock: Callable[[], float] | None = None):
        super().__init__(server, spider, key, serializer)
        self.clock = clock  # None: Redis server time
        self.processing_key = processing_key
        self.priorities_key = priorities_key
        self.lease_seconds = lease_seconds
        self._pop = server.register_script(POP)
        self._renew = server.register_script(RENEW)
        self._requeue = server.register_script(REQUEUE_EXPIRED)
        self._release = server.register_script(RELEASE)
        self._push_unseen = server.register_script(PUSH_UNSEEN)

    def _now(self) -> str:
        return "" if self.clock is None else repr(float(self.clock()))

    def _encode_request(self, request: Request) -> bytes:
        obj = request.to_dict(spider=self.spider)
        obj["meta"].pop("fleet_slot", None)  # a download slot token belongs to one fetch
        return self.serializer.dumps(obj)

    def push_unseen(self, request: Request, fingerprint: str, dupefilter_key: str) -> bool:
        """Mark the fingerprint seen and queue the request in one step; False if it was seen before.

        Two commands (SADD, then ZADD) would lose the request when Redis dies between
        them, or after the SADD but before its reply: the retried SADD says "seen".
        """
        return bool(self._push_unseen(keys=[dupefilter_key, self.key],
                                      args=[fingerprint, -request.priority, self._encode_request(request)]))

    def pop(self, timeout: int = 0) -> Request | None:
        raise NotImplementedError("use pop_leased(): a plain pop would lose the request on a crash")

    def pop_leased(self) -> tuple[Request, bytes] | None:
        data = self._pop(keys=[self.key, self.processing_key, self.priorities_key], args=[self._now(), self.lease_seconds])
        if not data:
            return None
        return self._decode_request(data), data

    def renew(self, members: list[bytes]) -> int:
        if not members:
            return 0
        return int(self._renew(keys=[self.processing_key], args=[self._now(), self.lease_seconds, *members]))

    def ack(self, members: list[bytes]) -> None:
        if not members:
            return
        pipe = self.server.pipeline()
        pipe.zrem(self.processing_key, *members)
        pipe.hdel(self.priorities_key, *members)
        pipe.execute()

    def release(self, members: list[bytes]) -> int:
        """Give leases back at once (a worker leaving cleanly)."""
        if not members:
            return 0
        return int(self._release(keys=[self.processing_key, self.key, self.priorities_key], args=members))

    def requeue_expired(self, limit: int = 1000) -> int:
        return int(self._requeue(keys=[self.processing_key, self.key, self.priorities_key], args=[self._now(), limit]))

    def leased(self) -> int:
        return int(self.server.zcard(self.processing_key))

    def clear(self) -> None:
        self.server.delete(self.key, self.processing_key, self.priorities_key)
