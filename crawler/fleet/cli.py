"""`nianbao writer`: the click layer over crawler/fleet/writer.py."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path

import click


@click.command()
@click.option("--redis", "redis_url", required=True, envvar="NIANBAO_REDIS",
              help="The fleet's Redis, redis://HOST:PORT/N.")
@click.option("--db", default="archive.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--consumer", default=None, help="Consumer name in the stream's group (default: writer-HOSTNAME).")
@click.option("--prefix", default="nianbao", show_default=True, help="Prefix of the fleet's Redis keys.")
@click.option("--until-done/--forever", default=False, show_default=True,
              help="Exit once the fleet's run is finished and recorded (default: run as a service).")
def writer(redis_url: str, db: Path, consumer: str | None, prefix: str, until_done: bool) -> None:
    """Store what a fleet of `nianbao crawl --redis` workers fetched: the one writer of DB.

    Example: nianbao writer --redis redis://10.0.0.5:6379/0 --db archive.db
    """
    from crawler.derive import refresh_derived
    from crawler.fleet.writer import Writer

    w = Writer(db, redis_url, prefix=prefix, consumer=consumer or f"writer-{socket.gethostname()}")
    try:
        stats = w.run(until_done=until_done)
    finally:
        w.close()
    if stats.items and not stats.runs_finished:  # each finished run refreshed already (Writer._finish)
        refresh_derived(db, today=dt.date.today())
    click.echo(f"writer: {stats.entries} entries, {stats.documents} documents, {stats.items} report items "
               f"({dict(stats.outcomes)}), {stats.reclaimed} reclaimed, {stats.skipped} already stored; "
               f"runs finished: {stats.runs_finished}")


def crawl_as_worker(db: Path, sites: list, *, registry: str, redis_url: str, settings: dict | None = None,
                    incremental: bool = True) -> None:
    """`nianbao crawl --redis`: run one fleet worker and say what it did."""
    from crawler.fleet import worker

    r = worker.run_worker(db, sites, redis_url=redis_url, registry_name=registry, settings=settings,
                          incremental=incremental)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.close_reasons.items()))
    click.echo(f"worker {r.worker} (run {r.run}): {r.documents} documents, {r.reports} report items handed to "
               f"the writer, {r.requeued} expired leases requeued, errors {sum(r.errors.values())}; {reasons}")
