"""The fleet's commands: `nianbao writer`, and `python -m crawler.fleet` (worker, writer, demo) for
tests, the benchmark and the demo, which crawl the loopback demo web with a settings profile."""

from __future__ import annotations

import datetime as dt
import json
import socket
from pathlib import Path
from typing import Any

import click

from crawler.cli.options import overrides_option, settings_module_option


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
                    settings_module: str | None = None, incremental: bool = True) -> None:
    """`nianbao crawl --redis`: run one fleet worker and say what it did."""
    from crawler.fleet import worker

    r = worker.run_worker(db, sites, redis_url=redis_url, registry_name=registry, settings=settings,
                          settings_module=settings_module, incremental=incremental)
    reasons = ", ".join(f"{k} {v}" for k, v in sorted(r.close_reasons.items()))
    click.echo(f"worker {r.worker} (run {r.run}): {r.documents} documents, {r.reports} report items handed to "
               f"the writer, {r.requeued} expired leases requeued, errors {sum(r.errors.values())}; {reasons}")


@click.group()
def fleet_main() -> None:
    """Fleet crawling: worker, writer, demo."""


@fleet_main.command()
@click.option("--redis", "redis_url", required=True)
@click.option("--sites", "registry", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", default="archive.db", type=click.Path(path_type=Path))
@click.option("--prefix", default="nianbao")
@settings_module_option
@overrides_option
@click.option("--json-out", type=click.Path(path_type=Path), help="Write what the worker did here, as JSON.")
def worker(redis_url: str, registry: Path, db: Path, prefix: str, settings_module: str | None,
           overrides: dict[str, Any], json_out: Path | None) -> None:
    """One fleet worker, as `nianbao crawl --redis`, with setting overrides.

    Example: python -m crawler.fleet worker --redis redis://127.0.0.1:6379/0 --sites sites/demo.yaml
    """
    from dataclasses import asdict

    from crawler.fleet.worker import run_worker
    from crawler.sites.registry import load_registry

    r = run_worker(db, load_registry(registry), redis_url=redis_url, registry_name=str(registry),
                   settings=overrides, settings_module=settings_module, prefix=prefix)
    click.echo(f"worker {r.worker}: {r.documents} documents, {r.reports} report items, {r.requeued} requeued")
    if json_out:
        json_out.write_text(json.dumps(asdict(r)))


fleet_main.add_command(writer)


@fleet_main.command()
@click.option("--workers", default=2, show_default=True)
@click.option("--db", default="fleet-demo.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--web-port", default=18090, show_default=True, help="Port of the demo web (one 127.0.0.x per site).")
def demo(workers: int, db: Path, web_port: int) -> None:
    """Demo web + redis-server + one writer + N workers on this machine; prints what each did.

    Example: python -m crawler.fleet demo --workers 3
    """
    from crawler.fleet.demo import run_demo_fleet

    run_demo_fleet(db, workers=workers, web_port=web_port)
