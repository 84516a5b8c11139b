"""The fleet's Redis pieces on a real redis-server: leases, slots, the writer's exactly-once apply."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import yaml
from scrapy import Request, Spider

from crawler.fleet.keys import Keys, connect
from crawler.fleet.politeness import ACQUIRE
from crawler.fleet.queue import LeasedQueue
from crawler.fleet.redisproc import RedisServer


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with RedisServer(tmp_path_factory.mktemp("redis")) as server:
        yield server.url


@pytest.fixture
def keys() -> Keys:
    return Keys(f"t{uuid.uuid4().hex[:8]}")


class Clock:
    """A clock the test moves: lease expiry is decided by it, not by how long the test sleeps."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _queue(url: str, keys: Keys, clock: Clock, lease: float = 0.3) -> LeasedQueue:
    spider = Spider(name="unit")
    return LeasedQueue(connect(url), spider, keys.queue("unit"), processing_key=keys.processing("unit"),
                       priorities_key=keys.priorities("unit"), lease_seconds=lease, clock=clock)


def test_pop_holds_the_request_until_acked(redis_url, keys, clock):
    q = _queue(redis_url, keys, clock)
    q.push(Request("http://a.test/1"))
    request, member = q.pop_leased()
    assert request.url == "http://a.test/1"
    assert (len(q), q.leased()) == (0, 1)
    q.ack([member])
    assert (len(q), q.leased()) == (0, 0)


def test_a_dead_workers_lease_is_requeued_for_another_worker(redis_url, keys, clock):
    dead, live = _queue(redis_url, keys, clock), _queue(redis_url, keys, clock)
    dead.push(Request("http://a.test/low", priority=0))
    dead.push(Request("http://a.test/high", priority=5))
    request, _ = dead.pop_leased()  # then the worker is killed: no ack, no renewal
    assert request.url == "http://a.test/high"
    clock.advance(0.29)
    assert live.requeue_expired() == 0  # the lease still runs
    clock.advance(0.02)
    assert live.requeue_expired() == 1
    again, member = live.pop_leased()
    assert again.url == "http://a.test/high"  # back with its priority, ahead of the low one
    live.ack([member])


def test_renewed_leases_do_not_expire(redis_url, keys, clock):
    q = _queue(redis_url, keys, clock)
    q.push(Request("http://a.test/slow"))
    _, member = q.pop_leased()
    for _ in range(3):
        clock.advance(0.25)  # 0.75 s in all: long past a 0.3 s lease never renewed
        assert q.renew([member]) == 1
    clock.advance(0.25)
    assert q.requeue_expired() == 0
    assert q.release([member]) == 1  # a worker leaving cleanly gives it back at once
    assert len(q) == 1


def test_fleet_slot_limits_concurrency_and_spaces_starts(redis_url, keys, clock):
    client = connect(redis_url)
    acquire = client.register_script(ACQUIRE)
    slot, nxt = keys.slot("a.test"), keys.slot_next("a.test")

    def take(token: str, delay: float = 0.25, concurrency: int = 1, host: tuple = (slot, nxt)) -> int:
        return acquire(keys=list(host), args=[repr(clock()), concurrency, delay, 30, token])

    assert take("w1:1") == 0
    assert take("w2:1") == -1  # another worker: the site's one slot is held
    client.zrem(slot, "w1:1")
    wait = take("w2:1")
    assert wait == 250  # free, but not before the delay since the last start (ms)
    clock.advance(0.125)
    assert take("w2:1") == 125
    clock.advance(0.125)
    assert take("w2:1") == 0
    other = (keys.slot("b.test"), keys.slot_next("b.test"))
    assert take("w1:2", delay=0, concurrency=2, host=other) == 0
    assert take("w2:2", delay=0, concurrency=2, host=other) == 0  # concurrency 2: a second holder fits
    assert take("w3:2", delay=0, concurrency=2, host=other) == -1


@pytest.fixture(scope="module")
def demo_corpus():
    from crawler.demo.generator import build_demo_web

    return build_demo_web()


def _send_report(client, keys: Keys, tmp_path, corpus, index: int, worker: str, reading=None) -> dict:
    """What a worker sends for one fetched report page: its document record, then its item (with its reading)."""
    from crawler.fleet.sink import StreamDocumentStore, item_fields
    from crawler.spiders.items import ReportItem

    gold = corpus.reports[index]
    page = next(s for s in corpus.sites if s.slug == gold.site).pages[gold.path]
    url = f"http://127.0.0.1:9/{gold.path.lstrip('/')}"
    store = StreamDocumentStore(client, keys, "run1", tmp_path / f"warc-{worker}", fsync=False)
    doc = store.record_exchange(url=url, site=gold.site, method="GET", request_headers=[], request_body=b"",
                                status=200, response_headers=[("Content-Type", "text/html; charset=utf-8")],
                                payload=page.body)
    store.close()
    item = ReportItem(site=gold.site, url=url, title=gold.title, list_date=None, body_level=gold.body_level,
                      column=gold.column, headers={"content-type": "text/html; charset=utf-8"},
                      body=page.body, fetched_at=doc["fetched_at"], archive={"sha256": doc["sha256"]})
    client.xadd(keys.stream, {"kind": "item", "run": "run1", **item_fields(item, reading)})
    return doc


def test_writer_applies_each_entry_once(redis_url, keys, tmp_path, demo_corpus):
    """A batch redelivered after a crash, and the same document sent by two workers, are stored once."""
    from crawler.fleet.writer import Writer

    client = connect(redis_url)
    for worker in ("w1", "w2"):  # two workers fetched the same page (a lease expired under a slow worker)
        doc = _send_report(client, keys, tmp_path, demo_corpus, 0, worker)
    assert doc["is_new"] is False  # the second copy was a revisit: the payload hash was in Redis
    writer = Writer(tmp_path / "a.db", redis_url, prefix=keys.prefix, consumer="w")
    writer.ensure_group()
    entries = client.xreadgroup(keys.group, "w", {keys.stream: ">"}, count=100)[0][1]
    writer.commit(entries)  # and the writer died after COMMIT, before XACK
    writer.apply(entries)  # the redelivered batch
    writer.close()
    db = sqlite3.connect(tmp_path / "a.db")
    assert db.execute("select count(*) from documents").fetchone()[0] == 1
    assert db.execute("select count(*), min(document_id) is not null from reports").fetchone() == (1, 1)
    assert writer.stats.skipped == len(entries) == 4
    assert writer.stats.outcomes == {"new": 1, "unchanged": 1}
    assert json.loads(json.dumps(client.xlen(keys.stream))) == 0  # acked entries are deleted
    assert db.execute("select count(*) from fleet_applied").fetchone()[0] == 0  # and their marks forgotten


def test_writer_stores_the_workers_reading_as_it_would_extract_it(redis_url, keys, tmp_path, demo_corpus):
    """An item carrying the worker's reading (no body) is stored cell for cell as one the writer extracts."""
    from crawler.exceptions import ExtractError
    from crawler.extract import extract_bytes
    from crawler.fleet.writer import Writer

    client = connect(redis_url)
    gold = demo_corpus.reports[5]
    body = next(s for s in demo_corpus.sites if s.slug == gold.site).pages[gold.path].body
    reading = extract_bytes(body, url="http://127.0.0.1:9/x", content_type="text/html; charset=utf-8")
    cells = {}
    for name, given in (("body", None), ("reading", reading)):
        prefix = f"{keys.prefix}{name}"
        k = Keys(prefix)
        _send_report(client, k, tmp_path, demo_corpus, 5, f"w-{name}", reading=given)
        assert (client.xrange(k.stream)[-1][1].get(b"body") == b"") is (given is not None)  # no body with a reading
        writer = Writer(tmp_path / f"{name}.db", redis_url, prefix=prefix, consumer="w")
        writer.ensure_group()
        writer.apply(client.xreadgroup(k.group, "w", {k.stream: ">"}, count=100)[0][1])
        writer.close()
        db = sqlite3.connect(tmp_path / f"{name}.db")
        cells[name] = sorted(db.execute("select key, value, raw, method from cells").fetchall())
        assert writer.stats.outcomes == {"new": 1}
    assert cells["reading"] == cells["body"] and len(cells["body"]) > 100
    failed = Keys(f"{keys.prefix}failed")
    _send_report(client, failed, tmp_path, demo_corpus, 6, "w-failed", reading=ExtractError("x.pdf: unreadable"))
    writer = Writer(tmp_path / "failed.db", redis_url, prefix=failed.prefix, consumer="w")
    writer.ensure_group()
    writer.apply(client.xreadgroup(failed.group, "w", {failed.stream: ">"}, count=100)[0][1])
    writer.close()
    assert writer.stats.outcomes == {"errors/extract": 1}


def test_writer_applies_entries_that_come_back_after_newer_ones(redis_url, keys, tmp_path, demo_corpus):
    """A delivery lost in a Redis restart is reclaimed after newer entries were applied: still stored."""
    from crawler.fleet.writer import Writer

    client = connect(redis_url)
    for index in range(4):
        _send_report(client, keys, tmp_path, demo_corpus, index, "w1")
    writer = Writer(tmp_path / "a.db", redis_url, prefix=keys.prefix, consumer="w")
    writer.ensure_group()
    lost = client.xreadgroup(keys.group, "w", {keys.stream: ">"}, count=4)[0][1]  # the reply never arrived
    newer = client.xreadgroup(keys.group, "w", {keys.stream: ">"}, count=100)[0][1]
    writer.apply(newer)
    writer.apply(lost)
    writer.close()
    db = sqlite3.connect(tmp_path / "a.db")
    assert db.execute("select count(*) from reports").fetchone()[0] == 4
    assert db.execute("select count(*) from documents").fetchone()[0] == 4
    assert (writer.stats.skipped, writer.stats.entries) == (0, 8)


def test_a_new_request_is_marked_seen_and_queued_together(redis_url, keys, clock):
    q = _queue(redis_url, keys, clock)
    seen = keys.dupefilter("unit")
    assert q.push_unseen(Request("http://a.test/1"), "fp1", seen) is True
    assert q.push_unseen(Request("http://a.test/1"), "fp1", seen) is False  # a retry after a lost reply
    assert (len(q), q.server.scard(seen)) == (1, 1)
    request, _ = q.pop_leased()
    assert request.url == "http://a.test/1"


def test_a_retried_seed_claim_still_belongs_to_its_worker(redis_url, keys):
    from crawler.fleet.run import FleetRun

    client = connect(redis_url)
    w1, w2 = FleetRun(client, keys, "w1"), FleetRun(client, keys, "w2")
    assert w1.claim_seed("unit") is True
    assert w1.claim_seed("unit") is True  # the first SET was applied, its reply lost: the retry must not orphan it
    assert w2.claim_seed("unit") is False
    w1.seed_done("unit")
    assert w1.claim_seed("unit") is False  # a finished seed is not queued again


def test_crawl_with_redis_runs_a_fleet_worker_and_never_opens_the_db(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import crawler.fleet.worker as worker
    from crawler.cli.main import main
    from crawler.fleet.worker import WorkerResult

    seen = {}

    def fake_run_worker(db, sites, *, redis_url, registry_name, settings, settings_module, incremental):
        seen.update(db=db, sites=[s.slug for s in sites], redis=redis_url, settings=settings, module=settings_module)
        return WorkerResult("w", "run", documents=3, reports=2, close_reasons={"dateid": "finished"})

    monkeypatch.setattr(worker, "run_worker", fake_run_worker)
    db = tmp_path / "archive.db"
    registry = tmp_path / "one.yaml"
    registry.write_text(yaml.safe_dump({"sites": [{
        "slug": "mengjin", "name": "洛阳市孟津区人民政府", "code": "410308", "level": "district", "family": "dateid",
        "allowed_domains": ["www.mengjin.gov.cn"],
        "columns": [{"name": "年报", "body_level": "government", "url": "http://www.mengjin.gov.cn/list/1.html"}],
        "settings": {}, "source": "test", "checked": "2026-11-26", "guessed": False}]}, allow_unicode=True))
    result = CliRunner().invoke(main, ["crawl", "--db", str(db), "--sites", str(registry), "-s", "DOWNLOAD_DELAY=5"],
                                env={"NIANBAO_REDIS": "redis://127.0.0.1:1/0", "SCRAPY_SETTINGS_MODULE": "crawler.settings.demo"})
    assert result.exit_code == 0, result.output
    assert seen == {"db": db, "sites": ["mengjin"], "redis": "redis://127.0.0.1:1/0",
                    "settings": {"DOWNLOAD_DELAY": "5"}, "module": "crawler.settings.demo"}
    assert "3 documents, 2 report items" in result.output
    assert not db.exists()
