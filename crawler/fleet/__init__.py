"""Distributed crawling: many workers, one Redis, one writer of archive.db.

Workers run the same spiders and registry as a single-machine crawl, but the
frontier (a scrapy-redis queue with leases) and request fingerprints live in
Redis, so each URL is fetched once across the fleet and workers can join or
leave. Workers write their own WARC files and never open archive.db: each
fetched document's record and each report item go to a Redis stream, which
one writer (`nianbao writer`) consumes into SQLite with the single-machine
pipeline's code. See docs/scale.md.

Modules: `keys` (names, a connection that rides out restarts), `queue` +
`scheduler` (leased frontier), `seed` (start requests queued once),
`politeness` (fleet-wide per-site slots), `sink` (documents and items to the
stream), `run` (a night's run shared by the fleet), `worker`, `writer`,
`cli` (`nianbao writer`), `demo` (a whole fleet on this machine) and
`redisproc` (a throwaway redis-server for tests, bench and demo).
"""
