"""Counting the demo web's answers per URL, at the server.

What a crawl asked for is counted where it matters: the archive's timestamps
have a one-second resolution, and two runs can share a second. `HitLog` wraps
the demo web's page lookup (every site, every request) and can add a fixed
delay per response (the fleet benchmark's slow site).
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import crawler.demo.server as demo_server


class HitLog:
    """Counts the demo web's answers by URL (a POST by URL and form); optional fixed delay per response."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.hits: Counter[str] = Counter()
        self.first: float | None = None
        self.last: float | None = None
        self.in_flight: Counter[str] = Counter()  # host → answers being prepared now
        self.max_in_flight: Counter[str] = Counter()
        self.starts: dict[str, list[float]] = {}  # host → when each request arrived
        self._lock = threading.Lock()
        self._orig = None

    def install(self) -> HitLog:
        self._orig = orig = demo_server.resolve

        def resolve(site, method, target, body=b"", base=""):
            now = time.monotonic()
            with self._lock:
                # A POST is known by its form too: one search API answers every page of a column.
                form = f" {body.decode('latin-1')}" if method == "POST" and body else ""
                self.hits[f"{method} {base}{target}{form}"] += 1
                self.first = self.first or now
                self.last = now
                self.in_flight[base] += 1
                self.max_in_flight[base] = max(self.max_in_flight[base], self.in_flight[base])
                self.starts.setdefault(base, []).append(now)
            try:
                if self.delay:
                    time.sleep(self.delay)
                return orig(site, method, target, body, base)
            finally:
                with self._lock:
                    self.in_flight[base] -= 1

        demo_server.resolve = resolve
        return self

    def uninstall(self) -> None:
        if self._orig is not None:
            demo_server.resolve = self._orig
            self._orig = None

    def twice(self) -> dict[str, int]:
        """URLs answered more than once (robots.txt excluded: each worker reads it)."""
        return {u: count for u, count in self.hits.items() if count > 1 and not u.endswith("/robots.txt")}

    def pages(self) -> int:
        return sum(1 for u in self.hits if not u.endswith("/robots.txt"))

    def gaps(self) -> list[float]:
        """Times between consecutive requests arriving at the same host, sorted."""
        return sorted(b - a for ts in self.starts.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False))

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.first = self.last = None
            self.in_flight.clear()
            self.max_in_flight.clear()
            self.starts.clear()

    def fetched(self, method: str = "GET") -> set[str]:
        """The URLs asked for with ``method`` (robots.txt left out)."""
        prefix = f"{method} "
        return {k[len(prefix):] for k in self.hits if k.startswith(prefix) and not k.endswith("/robots.txt")}

    def __enter__(self) -> HitLog:
        return self.install()

    def __exit__(self, *exc: object) -> None:
        self.uninstall()
