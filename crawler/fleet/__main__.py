"""`python -m crawler.fleet`: worker (with setting overrides), writer, demo.

`nianbao crawl --redis` and `nianbao writer` are the commands for a real
fleet; this entry point adds `--set KEY=VALUE` for tests, the benchmark and
the demo, which crawl the loopback demo web without the production delays.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.fleet.cli import writer


@click.group()
def main() -> None:
    """Fleet crawling: worker, writer, demo."""


@main.command()
@click.option("--redis", "redis_url", required=True)
@click.option("--sites", "registry", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--db", default="archive.db", type=click.Path(path_type=Path))
@click.option("--prefix", default="nianbao")
@click.option("--set", "overrides", multiple=True, help="Scrapy/nianbao setting KEY=VALUE (VALUE as JSON if it parses).")
@click.option("--json-out", type=click.Path(path_type=Path), help="Write what the worker did here, as JSON.")
def worker(redis_url: str, registry: Path, db: Path, prefix: str, overrides: tuple[str, ...],
           json_out: Path | None) -> None:
    """One fleet worker, as `nianbao crawl --redis`, with setting overrides.

    Example: python -m crawler.fleet worker --redis redis://127.0.0.1:6379/0 --sites sites/demo.yaml
    """
    from dataclasses import asdict

    from crawler.fleet.worker import run_worker
    from crawler.registry import load_registry

    settings = {}
    for kv in overrides:
        k, _, v = kv.partition("=")
        try:
            settings[k] = json.loads(v)
        except json.JSONDecodeError:
            settings[k] = v
    r = run_worker(db, load_registry(registry), redis_url=redis_url, registry_name=str(registry),
                   settings=settings, prefix=prefix)
    click.echo(f"worker {r.worker}: {r.documents} documents, {r.reports} report items, {r.requeued} requeued")
    if json_out:
        json_out.write_text(json.dumps(asdict(r)))


main.add_command(writer)


@main.command()
@click.option("--workers", default=2, show_default=True)
@click.option("--db", default="fleet-demo.db", show_default=True, type=click.Path(path_type=Path))
@click.option("--web-port", default=18090, show_default=True, help="Port of the demo web (one 127.0.0.x per site).")
def demo(workers: int, db: Path, web_port: int) -> None:
    """Demo web + redis-server + one writer + N workers on this machine; prints what each did.

    Example: python -m crawler.fleet demo --workers 3
    """
    from crawler.fleet.demo import run_demo_fleet

    run_demo_fleet(db, workers=workers, web_port=web_port)


if __name__ == "__main__":
    main()
