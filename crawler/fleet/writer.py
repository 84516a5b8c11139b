"""`nianbao writer --redis URL`: the one process that writes archive.db for a fleet.

It reads the workers' stream as consumer group `writer` and applies each
entry with the single-machine code: a document record through
DocumentStore.add_document (one row per url + sha256, so a document
delivered twice is stored once), a report item through
crawler.record.document.record_document with the reading the worker made (the
writer only stores; it extracts only an entry that carries a body) and then
crawler.crawl.incremental.ListDatePipeline (the list date that lets the next
night skip an unchanged report), as ITEM_PIPELINES order them. A batch of
entries is one SQLite transaction that also records their IDs in
`fleet_applied`; only after it commits are the entries XACKed (and deleted),
and then their IDs forgotten. A writer killed at any point therefore resumes
from its unacknowledged entries (its own pending list, or XAUTOCLAIM of a
dead consumer's), and skips exactly those it had already committed. IDs, not
a high-water mark: entries whose delivery was lost with a Redis restart come
back later than newer ones, and must still be applied. When a run is over (seeds done, frontier and stream empty, no
worker alive) it writes crawl_runs / crawl_sites for the whole fleet.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import redis

from crawler.archive.documents import DocumentStore
from crawler.archive.warc import Stored
from crawler.crawl.health import site_alarm
from crawler.crawl.incremental import ListDatePipeline, known_reports
from crawler.crawl.runs import SiteResult, record_run
from crawler.derive import refresh_derived
from crawler.exceptions import ArchiveBusy, ExtractError
from crawler.extract.model import Report
from crawler.fleet.keys import Keys, resilient
from crawler.fleet.run import live_workers, server_now
from crawler.fleet.sink import item_from_fields, reading_from_fields
from crawler.record.document import STORED_OUTCOMES, record_document
from crawler.record.fleet_ledger import (
    ensure_fleet_schema,
    finish_fleet_run,
    forget_applied,
    mark_applied,
    note_item,
    open_fleet_run,
)
from crawler.record.store import utcnow, write_transaction

logger = logging.getLogger(__name__)

#: Per-site counters summed over the workers; report outcomes are the writer's own (fleet_items).
WORKER_COUNTERS = ("requests", "received_bytes", "not_modified", "reports_skipped", "pages_unread", "hostile")


def _id(entry_id: bytes | str) -> tuple[int, int]:
    ms, seq = (entry_id.decode() if isinstance(entry_id, bytes) else entry_id).split("-")
    return int(ms), int(seq)


@dataclass
class WriterStats:
    entries: int = 0
    documents: int = 0
    items: int = 0
    skipped: int = 0  # already committed before a crash: acked again, not re-applied
    reclaimed: int = 0
    outcomes: Counter = field(default_factory=Counter)
    runs_finished: list[int] = field(default_factory=list)
    seconds: float = 0.0


def _given(reading: Report | ExtractError) -> Report:
    """The worker's reading, as record_document's extract step (its failure raised, as the extractor's would be)."""
    if isinstance(reading, ExtractError):
        raise reading
    return reading


class Writer:
    """Consumes the fleet stream into archive.db (see the module docstring)."""

    def __init__(self, db_path: str | Path, redis_url: str, *, prefix: str = "nianbao", consumer: str = "writer",
                 archive_dir: str | Path | None = None, batch: int = 64, block_ms: int = 500,
                 claim_idle_ms: int = 10_000):
        self.db_path = str(db_path)
        self.keys = Keys(prefix)
        self.client: redis.Redis = resilient(redis_url)
        self.consumer = consumer
        self.batch = batch
        self.block_ms = block_ms
        self.claim_idle_ms = claim_idle_ms
        self.store = DocumentStore(db_path, archive_dir)
        self.db = self.store.db
        self.list_dates = ListDatePipeline(self.store)
        self.stats = WriterStats()
        self._runs: dict[str, int] = {}
        self._ensure_tables()

    # -- setup -------------------------------------------------------------------------
    def _ensure_tables(self) -> None:
        ensure_fleet_schema(self.db)

    def ensure_group(self) -> None:
        try:
            self.client.xgroup_create(self.keys.stream, self.keys.group, id="0", mkstream=True)
        except redis.ResponseError as e:
            if "BUSYGROUP" not in str(e):
                raise

    def prime_caches(self) -> None:
        """Fill the workers' view of archive.db: known reports (with list dates) and archived payloads."""
        known = list(known_reports(self.db_path).items())
        for i in range(0, len(known), 5000):
            self.client.hset(self.keys.known, mapping={u: d or "" for u, d in known[i:i + 5000]})
        rows = self.db.query("select sha256, min(warc_file) f, warc_offset o, warc_length n from documents "
                             "where source = 'http' group by sha256")
        pipe = self.client.pipeline(transaction=False)
        for count, r in enumerate(rows, 1):
            pipe.hsetnx(self.keys.payloads, r["sha256"], f"{r['f']} {r['o']} {r['n']}")
            if count % 5000 == 0:
                pipe.execute()
        pipe.set(self.keys.primed, utcnow())
        pipe.execute()

    # -- the loop ------------------------------------------------------------------------
    def run(self, *, until_done: bool = False, max_seconds: float | None = None) -> WriterStats:
        """Consume forever (a service), or until a run is finished (`until_done`)."""
        t0 = time.monotonic()
        self.ensure_group()
        self.prime_caches()
        self._drain_pending()
        last_claim = time.monotonic()
        while True:
            got = self.client.xreadgroup(self.keys.group, self.consumer, {self.keys.stream: ">"},
                                         count=self.batch, block=self.block_ms)
            entries = got[0][1] if got else []
            if entries:
                self._apply_until_stored(entries)
            elif self.maybe_finish_run() and until_done and (self.stats.runs_finished or self.stats.entries):
                break
            if time.monotonic() - last_claim > self.claim_idle_ms / 1000:
                self._claim_abandoned()
                last_claim = time.monotonic()
            if max_seconds and time.monotonic() - t0 > max_seconds:
                break
        self.stats.seconds = time.monotonic() - t0
        return self.stats

    def _drain_pending(self) -> None:
        """Entries delivered before a crash: this consumer's own, then any dead consumer's."""
        while True:
            got = self.client.xreadgroup(self.keys.group, self.consumer, {self.keys.stream: "0"}, count=self.batch)
            entries = [e for e in (got[0][1] if got else []) if e[1]]
            if not entries:
                break
            self.stats.reclaimed += len(entries)
            self._apply_until_stored(entries)
        self._claim_abandoned(min_idle=0)

    def _claim_abandoned(self, min_idle: int | None = None) -> None:
        start = "0-0"
        while True:
            start, entries, *_ = self.client.xautoclaim(
                self.keys.stream, self.keys.group, self.consumer,
                self.claim_idle_ms if min_idle is None else min_idle, start_id=start, count=self.batch)
            entries = [e for e in entries if e[1]]
            if entries:
                self.stats.reclaimed += len(entries)
                self._apply_until_stored(entries)
            if start in (b"0-0", "0-0"):
                break

    # -- applying entries --------------------------------------------------------------------
    def _applied(self, ids: list[str]) -> set[str]:
        """Which of these entries a transaction already committed (the writer died before XACK)."""
        marks = ",".join("?" * len(ids))
        return {r["entry_id"] for r in self.db.query(
            f"select entry_id from fleet_applied where stream = ? and entry_id in ({marks})", [self.keys.stream, *ids])}

    def _apply_until_stored(self, entries: list) -> None:
        """A locked or full database is waited out, never skipped: the entries stay unacknowledged."""
        pause = 1.0
        while True:
            try:
                return self.apply(entries)
            except (sqlite3.OperationalError, ArchiveBusy) as e:
                logger.error("archive.db not writable (%s); retrying in %.0fs", e, pause)
                time.sleep(pause)
                pause = min(pause * 2, 60.0)

    def apply(self, entries: list) -> None:
        """One transaction for the batch, then XACK: see the module docstring."""
        ids, known = self.commit(entries)
        self.acknowledge(ids, known)

    def commit(self, entries: list) -> tuple[list[str], dict[str, str]]:
        """Apply the entries not applied before, and mark them applied, in one SQLite transaction.

        Returns their IDs and the {report URL: list date} the workers' cache should learn.
        """
        entries = sorted(entries, key=lambda e: _id(e[0]))
        ids = [e[0].decode() if isinstance(e[0], bytes) else e[0] for e in entries]
        applied = self._applied(ids)
        known: dict[str, str] = {}
        with write_transaction(self.db):
            for entry_id, (_, fields) in zip(ids, entries, strict=True):
                if entry_id in applied:
                    self.stats.skipped += 1
                    continue
                try:
                    with write_transaction(self.db):
                        known.update(self._apply_one(fields) or {})
                except (sqlite3.OperationalError, ArchiveBusy):
                    raise  # the database, not the entry: the whole batch is retried
                except Exception:  # a malformed entry must not block the stream forever
                    logger.exception("fleet entry %s could not be applied; skipped", entry_id)
                    self.stats.outcomes["errors/writer"] += 1
            mark_applied(self.db, self.keys.stream, ids)
        return ids, known

    def acknowledge(self, ids: list[str], known: dict[str, str]) -> None:
        """XACK and delete committed entries, then forget their marks: they cannot come back."""
        pipe = self.client.pipeline(transaction=False)
        pipe.xack(self.keys.stream, self.keys.group, *ids)
        pipe.xdel(self.keys.stream, *ids)
        if known:
            pipe.hset(self.keys.known, mapping=known)
        pipe.execute()
        forget_applied(self.db, self.keys.stream, ids)
        self.stats.entries += len(ids)

    def _apply_one(self, fields: dict) -> dict[str, str] | None:
        f = {k.decode(): v for k, v in fields.items()}
        kind = f["kind"].decode()
        token = f.get("run", b"").decode()
        if kind == "run_start":
            self._open_run(token, f["started"].decode(), f["registry"].decode(), json.loads(f["sites"]))
        elif kind == "doc":
            d = json.loads(f["data"])
            stored = Stored(d["sha256"], d["warc_file"], d["warc_offset"], d["warc_length"], False)
            self.store.add_document(url=d["url"], site=d["site"], source=d["source"], status=d["status"],
                                    fetched_at=d["fetched_at"], content_type=d["content_type"], size=d["size"],
                                    stored=stored, etag=d.get("etag"), last_modified=d.get("last_modified"))
            self.stats.documents += 1
        elif kind == "item":
            return self._store_item(token, f)
        return None

    def _store_item(self, token: str, f: dict) -> dict[str, str] | None:
        """The single-machine item pipelines, in order: ReportPipeline's steps, then ListDatePipeline."""
        item = item_from_fields(f["data"], f["body"])
        sha = item.archive.get("sha256")
        rows = list(self.db.query("select id from documents where url = ? and sha256 = ?", [item.url, sha]))
        item.archive["document_id"] = rows[0]["id"] if rows else None
        reading = reading_from_fields(f)
        if reading is None:
            outcome = record_document(self.db, item.archived_document(), item.origin())
        else:
            outcome = record_document(self.db, item.archived_document(), item.origin(),
                                      extract=lambda _doc: _given(reading))
        item.outcome = outcome  # as ReportPipeline sets it: only a stored reading moves the list date
        self.list_dates.process_item(item)
        self.stats.items += 1
        self.stats.outcomes[outcome] += 1
        note_item(self.db, token, item.url, item.site, outcome)
        if outcome not in STORED_OUTCOMES:
            return None
        known = {item.url: item.list_date or ""}
        if item.list_url and item.list_url != item.url:
            known[item.list_url] = item.list_date or ""
        return known

    # -- runs ------------------------------------------------------------------------------------
    def _open_run(self, token: str, started: str, registry: str, sites: list[dict]) -> int:
        rows = list(self.db.query("select run_id from fleet_runs where token = ?", [token]))
        if rows:
            return rows[0]["run_id"]
        run_id = open_fleet_run(self.db, token, started, registry, sites, [SimpleNamespace(**s) for s in sites])
        logger.info("fleet run %s opened as crawl_runs %d", token, run_id)
        return run_id

    def maybe_finish_run(self) -> bool:
        """Close the current run if the fleet is done with it; True when no run is left open."""
        token = self.client.hget(self.keys.run, "token")
        if token is None:
            return self._no_open_runs()
        token = token.decode()
        spiders = json.loads(self.client.hget(self.keys.run, "crawler.spiders") or b"[]")
        for name in spiders:
            if self.client.get(self.keys.seeded(name)) != b"done":
                return False
            if self.client.zcard(self.keys.queue(name)) or self.client.zcard(self.keys.processing(name)):
                return False
        if live_workers(self.client, self.keys) or self.client.xlen(self.keys.stream):
            return False
        pending = self.client.xpending(self.keys.stream, self.keys.group)
        if pending and pending.get("pending"):
            return False
        rows = list(self.db.query("select * from fleet_runs where token = ?", [token]))
        if rows and not rows[0]["finished"]:
            self._finish(rows[0])
        pipe = self.client.pipeline()
        pipe.delete(self.keys.run, self.keys.run_stats)
        pipe.zremrangebyscore(self.keys.workers, "-inf", server_now(self.client))  # gone workers' entries
        for name in spiders:
            pipe.delete(self.keys.seeded(name), self.keys.queue(name), self.keys.processing(name),
                        self.keys.priorities(name), self.keys.dupefilter(name))
        pipe.execute()
        return True

    def _no_open_runs(self) -> bool:
        return not list(self.db.query("select 1 from fleet_runs where finished is null limit 1"))

    def _finish(self, run: dict) -> None:
        token, run_id, started = run["token"], run["run_id"], run["started"]
        counters: dict[str, dict[str, int]] = {}  # site → what its workers counted (requests, errors/…)
        for k, v in self.client.hgetall(self.keys.run_stats).items():
            site, _, name = k.decode().partition("/")
            counters.setdefault(site, {})[name] = int(v)
        had = {r["site"] for r in self.db.query("select distinct site from reports where first_seen < ?", [started])}
        results = []
        for s in json.loads(run["sites_json"]):
            r = SiteResult(s["slug"], s["family"], close_reason="finished")
            for name, v in counters.get(s["slug"], {}).items():
                if name.startswith("errors/"):
                    r.errors[name[len("errors/"):]] = v
                elif name in WORKER_COUNTERS and hasattr(r, name):
                    setattr(r, name, v)
            for row in self.db.query("select outcome, count(*) n from fleet_items where run_token = ? and site = ? "
                                     "group by outcome", [token, s["slug"]]):
                r.reports_seen += row["n"]
                if row["outcome"] in STORED_OUTCOMES:
                    setattr(r, f"reports_{row['outcome']}", row["n"])
                elif row["outcome"] == "not_a_report":
                    r.not_a_report = row["n"]
                elif row["outcome"].startswith("errors/"):
                    kind = row["outcome"][len("errors/"):]
                    r.errors[kind] = r.errors.get(kind, 0) + row["n"]
            row = next(iter(self.db.query(
                "select count(*) n, coalesce(sum(size), 0) b from documents where site = ? and last_fetched_at >= ?",
                [s["slug"], started])))
            r.pages, r.bytes = row["n"], row["b"]
            r.alarm = site_alarm(r, had_reports=s["slug"] in had)
            if r.alarm:
                logger.error("ALARM %s: %s", s["slug"], r.alarm)
            results.append(r)
        record_run(self.db_path, run_id, results, started)
        finish_fleet_run(self.db, token)
        refresh_derived(self.db_path, today=dt.date.today())  # a service writer: Datasette sees each run
        self.stats.runs_finished.append(run_id)
        logger.info("fleet run %s finished: crawl_runs %d", token, run_id)

    def close(self) -> None:
        self.store.close()
