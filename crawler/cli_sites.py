"""`nianbao sites`: the site registry from the command line (a thin layer over crawler.sites_check
and crawler.discover)."""

from __future__ import annotations

import statistics
from pathlib import Path

import click

from crawler.registry import load_registry
from crawler.sites_check import SiteCheck, check_sites

DEFAULT_REGISTRY = "sites/real.yaml"
DEFAULT_PORTALS = "../shared/registry/portals.csv"  # code,name,domain of every unit (docs/architecture.md)
DEFAULT_ENTRIES = "../shared/registry/xxgk_entries.csv"  # known 政府信息公开 entry pages, when present
DEFAULT_DISCOVERED = "sites/discovered.yaml"
DEFAULT_STATE = ".nianbao/discover"

_registry_option = click.option(
    "--registry", "registry", default=DEFAULT_REGISTRY, show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The site registry file.",
)


@click.group()
def sites() -> None:
    """The site registry: list its entries, check their column URLs, discover columns from portals.

    Example: nianbao sites check --no-fetch
    """


@sites.command("list")
@_registry_option
def list_sites(registry: Path) -> None:
    """List the registry's entries: slug, code, level, family, columns, guessed or seen.

    Example: nianbao sites list --registry sites/real.yaml
    """
    entries = load_registry(registry)
    for s in entries:
        seen = "guessed" if s.guessed else "seen"
        click.echo(f"{s.slug}\t{s.code}\t{s.level}\t{s.family}\t{len(s.columns)} column(s)\t{seen}\t{s.name}")
    guessed = sum(1 for s in entries if s.guessed)
    click.echo(f"{len(entries)} site(s), {guessed} with guessed column URLs")


@sites.command("check")
@_registry_option
@click.option("--fetch/--no-fetch", default=True, show_default=True,
              help="Fetch each column URL once (--no-fetch only validates and lists).")
@click.option("--site", "only", multiple=True, help="Check only this slug; repeatable.")
@click.option("--timeout", default=20.0, show_default=True, type=float, help="Seconds per fetch.")
@click.option("--delay", default=1.0, show_default=True, type=float, help="Seconds between requests to one host.")
def check(registry: Path, fetch: bool, only: tuple[str, ...], timeout: float, delay: float) -> None:
    """Check the registry; with fetching, say what each column URL holds (exit 1 if any column fails).

    Example: nianbao sites check --site mengjin
    """
    entries = load_registry(registry)
    if only:
        entries = [s for s in entries if s.slug in set(only)]
        if not entries:
            raise click.ClickException(f"{registry}: no site with slug {', '.join(only)}")
    results = check_sites(entries, fetch=fetch, timeout=timeout, delay=delay)
    for result in results:
        _echo_site(result)
    failing = [r for r in results if not r.ok]
    click.echo(f"{len(results)} site(s) checked, {len(failing)} with problems" if fetch
               else f"{len(results)} site(s) valid (not fetched)")
    if failing:
        raise SystemExit(1)


def _echo_site(result: SiteCheck) -> None:
    """One line per site, one indented line per column."""
    seen = "guessed" if result.guessed else "seen"
    click.echo(f"{result.slug}\t{result.family}\t{result.code}\t{result.level}\t{seen}\t{result.name}")
    for c in result.columns:
        detail = f"\t{c.detail}" if c.detail else ""
        click.echo(f"  {c.outcome}\t{c.body_level}\t{c.url}{detail}")
    for line in result.moves:
        click.echo(f"  re-discovered: {line}")


@sites.command("discover")
@click.option("--code", "codes", multiple=True, help="A unit's 行政区划代码 (or slug) in the portal list; repeatable.")
@click.option("--province", "provinces", multiple=True, help="Every unit of a province (2 digits, e.g. 41).")
@click.option("--all", "everything", is_flag=True, help="Every unit of the portal list.")
@click.option("--portals", "portals_path", default=DEFAULT_PORTALS, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Portal list: CSV code,name,domain[,portal,slug,level] or a registry YAML with 'portal'.")
@click.option("--entries", "entries_path", default=DEFAULT_ENTRIES, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Known 政府信息公开 entry pages (code,path,kind,url), walked first; skipped when absent.")
@click.option("--portal", "portal_url", default=None, help="Discover this portal URL alone (with --code, --name).")
@click.option("--name", default="", help="The unit's name, with --portal.")
@click.option("--out", "out", default=DEFAULT_DISCOVERED, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Registry file the entries are written to (entries with the same slug are replaced).")
@click.option("--state", "state_dir", default=DEFAULT_STATE, show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Resume state: every answer kept, a re-run continues where it stopped.")
@click.option("--force", is_flag=True, help="Discover again sites the state says are finished.")
@click.option("--delay", default=1.0, show_default=True, type=float, help="Seconds between requests to one host.")
@click.option("--max-requests", default=30, show_default=True, type=int, help="Request budget per site.")
@click.option("--timeout", default=20.0, show_default=True, type=float, help="Seconds per fetch.")
def discover(codes: tuple[str, ...], provinces: tuple[str, ...], everything: bool, portals_path: Path,
             entries_path: Path, portal_url: str | None, name: str, out: Path, state_dir: Path, force: bool, delay: float,
             max_requests: int, timeout: float) -> None:
    """Find each portal's 年报 columns (robots.txt obeyed, --delay per host, at most --max-requests a site)
    and write registry entries with the evidence for every column.

    Example: nianbao sites discover --code 410308 --out sites/discovered.yaml
    """
    from crawler.discover.entry import (
        DiscoveryState,
        Portal,
        add_entries,
        load_portals,
        select_portals,
        write_entries,
    )
    from crawler.discover.run import discover_portals

    if portal_url:
        if len(codes) != 1:
            raise click.UsageError("--portal needs one --code (the unit's 行政区划代码)")
        chosen = [Portal(codes[0], name or codes[0], portal_url)]
    else:
        if not (codes or provinces or everything):
            raise click.UsageError("say which units: --code, --province, --all (or --portal URL --code CODE)")
        chosen = select_portals(load_portals(portals_path), codes, provinces, everything)
        if not chosen:
            raise click.ClickException(f"{portals_path}: no unit matches {', '.join(codes + provinces)}")
        if entries_path.exists():
            chosen = add_entries(chosen, entries_path)
    outcomes = discover_portals(chosen, state=DiscoveryState(state_dir), delay=delay, max_requests=max_requests,
                                timeout=timeout, force=force, progress=_echo_discovery)
    entries = [o.entry for o in outcomes if o.entry]
    if entries:
        write_entries(out, entries)
    asked = [o.discovery.requests for o in outcomes if o.discovery is not None]
    median = f", median {statistics.median(asked):g} requests per site" if asked else ""
    click.echo(f"{len(outcomes)} site(s): {len(entries)} with columns "
               f"({sum(len(e['columns']) for e in entries)} columns){median} -> {out if entries else 'nothing written'}")


def _echo_discovery(outcome) -> None:
    """One line per site, one indented line per column with its evidence."""
    p, d, entry = outcome.portal, outcome.discovery, outcome.entry
    if outcome.resumed:
        click.echo(f"{p.the_slug}\t{entry['family']}\t{len(entry['columns'])} column(s)\tfrom the saved state")
        return
    status = "budget spent" if not d.complete else ("portal unreachable" if p.url in d.errors else "complete")
    family = entry["family"] if entry else "-"
    click.echo(f"{p.the_slug}\t{family}\t{len(d.columns)} column(s)\t{d.requests} request(s), {status}\t{p.url}")
    for c in d.columns:
        click.echo(f"  {c.body_level}\t{c.url}\t{c.name}\t(link {c.text!r} on {c.page})")
    for url in d.refused:
        click.echo(f"  robots.txt forbids {url}")
    for url, why in d.errors.items():
        click.echo(f"  could not fetch {url}: {why}")
    if not d.columns:
        click.echo(f"  no 年报 column found from {p.url}")
