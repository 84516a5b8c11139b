"""`nianbao demo`: the whole pipeline on the embedded demo web, in one command.

Starts the demo web on loopback, discovers every demo site's 年报 columns
from its portal (crawler/sites/discover: the same walk as ``nianbao sites
discover``), crawls them into archive.db, builds the Datasette views and
(unless --no-serve) serves the result. A site whose discovery finds no column
is crawled from sites/demo.yaml and said so on stderr.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from crawler.crawl.runner import crawl
from crawler.derive import refresh_derived

logger = logging.getLogger(__name__)

DEMO_REGISTRY = Path(__file__).resolve().parents[2] / "sites" / "demo.yaml"


def run_demo(db: Path, *, serve: bool = True, host: str = "127.0.0.1", port: int = 8001,
             web_port: int = 18080, seed_dir: Path | None = None) -> None:
    """Demo web → crawl → archive.db → Datasette. Stable ports keep URLs stable across runs."""
    from crawler.demo.server import DemoWeb

    web = DemoWeb(seed_dir=seed_dir, port=web_port)
    web.start()
    try:
        for slug, base in sorted(web.bases.items()):
            portal = web.portals[slug]
            click.echo(f"demo site {slug:<10} {base}" + (f"  (portal {portal})" if not portal.startswith(base) else ""))
        sites = discover_demo_sites(web)
        result = crawl(db, sites, registry_name="discovered from the demo portals", settings_module="crawler.settings.demo")
        refresh_derived(db, today=dt.date.today())
        t = result.totals()
        click.echo(f"crawled {len(result.sites)} demo sites: {t['pages']} pages, {t['reports_new']} new, "
                   f"{t['reports_changed']} changed, {t['reports_unchanged']} unchanged reports -> {db}")
        for s in result.alarms:
            click.echo(f"ALARM {s.site}: {s.alarm}", err=True)
        if serve:
            from crawler.publish.serve import run_datasette

            click.echo(f"Datasette: http://{host}:{port}/  (Ctrl-C to stop)")
            run_datasette(db, host=host, port=port)
    finally:
        web.stop()


def discover_demo_sites(web) -> list:
    """Registry entries for the demo sites, found from their portals; sites/demo.yaml only where that fails."""
    from crawler.sites.discover.entry import Portal
    from crawler.sites.discover.run import discover_portals
    from crawler.sites.registry import load_registry, parse_registry

    portals = [Portal(s.code, s.name, web.portals[s.slug], s.slug, s.level, "demo web")
               for s in web.corpus.sites]
    outcomes = discover_portals(portals, delay=0.0, max_requests=30)
    fallback = {s.slug: s for s in load_registry(DEMO_REGISTRY, bases=web.bases)}
    sites = []
    for o in outcomes:
        if o.entry is None:
            click.echo(f"discovery found no column on {o.portal.url}: {o.portal.slug} crawled from "
                       f"sites/demo.yaml", err=True)
            sites.append(fallback[o.portal.slug])
            continue
        sites += parse_registry({"sites": [o.entry]}, f"discovered from {o.portal.url}")
        click.echo(f"discovered {o.portal.slug:<10} {o.entry['family']:<8} {len(o.entry['columns'])} columns "
                   f"in {o.discovery.requests} requests from {o.portal.url}")
    return sites
