"""`nianbao demo`: the whole pipeline on the embedded demo web, in one command.

Starts the demo web on loopback, crawls every demo site into archive.db,
builds the Datasette views and (unless --no-serve) serves the result.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from crawler.derive import refresh_derived
from crawler.runner import DEMO_SETTINGS, crawl

logger = logging.getLogger(__name__)

DEMO_REGISTRY = Path(__file__).resolve().parents[1] / "sites" / "demo.yaml"


def run_demo(db: Path, *, serve: bool = True, host: str = "127.0.0.1", port: int = 8001,
             web_port: int = 18080, seed_dir: Path | None = None) -> None:
    """Demo web → crawl → archive.db → Datasette. Stable ports keep URLs stable across runs."""
    from crawler.demo.server import DemoWeb
    from crawler.registry import load_registry

    web = DemoWeb(seed_dir=seed_dir, port=web_port)
    web.start()
    try:
        for slug, base in sorted(web.bases.items()):
            click.echo(f"demo site {slug:<10} {base}")
        sites = load_registry(DEMO_REGISTRY, bases=web.bases)
        result = crawl(db, sites, registry_name="sites/demo.yaml", settings=DEMO_SETTINGS)
        refresh_derived(db, today=dt.date.today())
        t = result.totals()
        click.echo(f"crawled {len(result.sites)} demo sites: {t['pages']} pages, {t['reports_new']} new, "
                   f"{t['reports_changed']} changed, {t['reports_unchanged']} unchanged reports -> {db}")
        for s in result.alarms:
            click.echo(f"ALARM {s.site}: {s.alarm}", err=True)
        if serve:
            from crawler.datasette.serve import run_datasette

            click.echo(f"Datasette: http://{host}:{port}/  (Ctrl-C to stop)")
            run_datasette(db, host=host, port=port)
    finally:
        web.stop()
