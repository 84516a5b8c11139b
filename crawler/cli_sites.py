"""`nianbao sites`: the site registry from the command line (a thin layer over crawler.sites_check)."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.registry import load_registry
from crawler.sites_check import SiteCheck, check_sites

DEFAULT_REGISTRY = "sites/real.yaml"

_registry_option = click.option(
    "--registry", "registry", default=DEFAULT_REGISTRY, show_default=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The site registry file.",
)


@click.group()
def sites() -> None:
    """The site registry: list its entries, check their column URLs.

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
