"""`nianbao sites`: the site registry from the command line (a thin layer over crawler.sites.units,
crawler.sites.national_build, crawler.sites.check and crawler.sites.discover)."""

from __future__ import annotations

import statistics
from pathlib import Path

import click

from crawler.sites.check import SiteCheck, check_sites
from crawler.sites.national import COUNTY_LEVELS, UNIT_LEVELS
from crawler.sites.units import PORTAL_SOURCES, UNIT_TRUSTS, Registry, Summary, load_units, summarize

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = "sites/real.yaml"
#: Written by `nianbao sites discover`; read after the curated file when present.
DISCOVERED_REGISTRY = "sites/discovered.yaml"
DEFAULT_NATIONAL = "sites/national.csv"
DEFAULT_SHARED = "../shared/registry"
DEFAULT_STATE = ".nianbao/discover"  # discovery's resume state

_registry_option = click.option(
    "--registry", "registries", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
    help=f"A registry YAML file; repeatable [default: {DEFAULT_REGISTRY}, then {DISCOVERED_REGISTRY} if present].",
)
_national_option = click.option(
    "--national", default=DEFAULT_NATIONAL, show_default=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The national list of units (`nianbao sites build-national`); '-' for none.",
)


def project_path(path: str | Path) -> Path:
    """A path relative to the working directory, else to the project root."""
    p = Path(path)
    return p if p.is_absolute() or p.exists() else ROOT / p


def open_registry(registries: tuple[Path, ...], national: Path | str | None) -> Registry:
    """The YAML files (the defaults when none given) and the national list, as one Registry."""
    if registries:
        files = [project_path(p) for p in registries]
    else:
        files = [project_path(DEFAULT_REGISTRY)]
        if project_path(DISCOVERED_REGISTRY).is_file():
            files.append(project_path(DISCOVERED_REGISTRY))
    national_path = None if national in (None, "-", Path("-")) else project_path(national)
    return load_units(files, national_path)


@click.group()
def sites() -> None:
    """The site registry: national units, curated and discovered entries; list, count, check, build, discover.

    Example: nianbao sites list --summary
    """


@sites.command("list")
@_registry_option
@_national_option
@click.option("--summary", is_flag=True, help="Count units by level, trust and province instead of listing.")
@click.option("--units", "all_units", is_flag=True,
              help="List every unit of the national list (code order), with its entries under it.")
@click.option("--province", default=None, help="Only units whose code starts with these digits (41, 4103).")
def list_sites(registries: tuple[Path, ...], national: Path, summary: bool, all_units: bool,
               province: str | None) -> None:
    """List the entries: slug, code, level, family, columns, trust (verified / discovered / guessed),
    evidence URL, name.

    Example: nianbao sites list --summary
    """
    reg = open_registry(registries, national)
    if province:
        reg.units = {c: u for c, u in reg.units.items() if c.startswith(province)}
        reg.entries = [e for e in reg.entries if e.code.startswith(province)]
    if summary:
        _echo_summary(reg, summarize(reg))
    elif all_units:
        _echo_units(reg)
    else:
        _echo_entries(reg)


def _echo_entries(reg: Registry) -> None:
    """One line per entry, then the totals."""
    for s in reg.entries:
        click.echo(f"{s.slug}\t{s.code}\t{s.level}\t{s.family}\t{len(s.columns)} column(s)\t{s.trust}\t"
                   f"{s.evidence_url or '-'}\t{s.name}")
    counts = {t: sum(1 for s in reg.entries if s.trust == t) for t in ("verified", "discovered", "guessed")}
    click.echo(f"{len(reg.entries)} site(s): " + ", ".join(f"{count} {t}" for t, count in counts.items()))
    if reg.national_file:
        click.echo(f"{len(reg.units)} unit(s) known ({reg.national_file} and the entries), "
                   f"{len(reg.known_only())} without columns (not crawled)")


def _echo_units(reg: Registry) -> None:
    """Every unit: code, level, trust, portal, the portal's source, candidate hosts, xxgk entry, name."""
    for u in reg.units.values():
        national = u.national
        place = "".join(x for x in ((national.province, national.city) if national else ()) if x and x != national.name)
        click.echo("\t".join([
            u.code, u.level, u.trust, u.portal or "-", national.source if national else "entry",
            (national.candidates if national and national.candidates else "-"), (national.xxgk_entry if national and national.xxgk_entry else "-"),
            f"{place}{national.name}" if national else u.name,
        ]))
        for s in u.entries:
            click.echo(f"  {s.slug}\t{s.family}\t{len(s.columns)} column(s)\t{s.trust}\t{s.evidence_url or '-'}")
    click.echo(f"{len(reg.units)} unit(s), {sum(1 for u in reg.units.values() if u.crawled)} with columns")


def _echo_summary(reg: Registry, s: Summary) -> None:
    """Counts by level, portal source, trust and province."""
    click.echo(f"national list: {reg.national_file or '(none)'}; entries: {', '.join(reg.files)}")
    click.echo(f"{'level':<14}{'units':>7}{'with portal':>13}")
    for level in UNIT_LEVELS:
        units, portal = s.levels.get(level, (0, 0))
        click.echo(f"{level:<14}{units:>7}{portal:>13}")
    units, portal = s.county_level
    click.echo(f"{'county-level':<14}{units:>7}{portal:>13}  ({' + '.join(COUNTY_LEVELS)})")
    click.echo("portal source: " + ", ".join(f"{g} {s.portal_sources.get(g, 0)}" for g in PORTAL_SOURCES))
    click.echo("units by trust: " + ", ".join(f"{t} {s.trust.get(t, 0)}" for t in UNIT_TRUSTS))
    click.echo("entries by trust: " + ", ".join(f"{t} {s.entry_trust.get(t, 0)}"
                                                 for t in ("verified", "discovered", "guessed")))
    click.echo("province\tname\tunits\tcounty-level\twith portal\t" + "\t".join(UNIT_TRUSTS))
    for p in s.provinces:
        click.echo(f"{p.code}\t{p.name or '-'}\t{p.units}\t{p.county_level}\t{p.with_portal}\t"
                   + "\t".join(str(p.trust.get(t, 0)) for t in UNIT_TRUSTS))
    if s.outside_national:
        click.echo(f"{len(s.outside_national)} unit(s) only in the entries (code not in the national list): "
                   + ", ".join(f"{u.code} {u.name}" for u in s.outside_national))
    click.echo(f"{len(s.foreign)} entry(ies) on a host the national list does not give to their unit, city or province"
               + "".join(f"\n  {site.slug} {site.code}: {', '.join(site.allowed_domains)} (national portal {portal})"
                         for site, portal in s.foreign))


@sites.command("build-national")
@click.option("--shared", default=DEFAULT_SHARED, show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="The directory with portals.csv, portals_both.csv and xxgk_entries.csv.")
@click.option("--out", default=DEFAULT_NATIONAL, show_default=True, type=click.Path(dir_okay=False, path_type=Path))
def build_national_command(shared: Path, out: Path) -> None:
    """Build the national list of units and portals (sites/national.csv) from the public lists.

    Example: nianbao sites build-national --shared ../shared/registry --out sites/national.csv
    """
    from crawler.sites.national_build import build_national_file

    build = build_national_file(project_path(shared), out)
    county = [u for u in build.units if u.county_level]
    click.echo(f"{out}: {len(build.units)} units ({sum(1 for u in county if u.portal)} of {len(county)} "
               f"county-level with a portal), {sum(1 for u in build.units if u.candidates)} with candidate hosts, "
               f"{sum(1 for u in build.units if u.xxgk_entry)} with a 政府信息公开 entry page")
    for path in build.unmatched_xxgk:
        click.echo(f"  xxgk_entries.csv: {path}: no code, no unit of that path or name; left out")


@sites.command("check")
@_registry_option
@click.option("--fetch/--no-fetch", default=True, show_default=True,
              help="Fetch each column URL once (--no-fetch only validates and lists).")
@click.option("--site", "only", multiple=True, help="Check only this slug; repeatable.")
@click.option("--timeout", default=20.0, show_default=True, type=float, help="Seconds per fetch.")
@click.option("--delay", default=1.0, show_default=True, type=float, help="Seconds between requests to one host.")
def check(registries: tuple[Path, ...], fetch: bool, only: tuple[str, ...], timeout: float, delay: float) -> None:
    """Check the registry; with fetching, say what each column URL holds (exit 1 if any column fails).

    Example: nianbao sites check --site mengjin
    """
    reg = open_registry(registries, DEFAULT_NATIONAL)
    entries = reg.entries
    for site in entries:  # where a failing column is re-discovered from: the entry's portal, else the national one
        unit = reg.unit(site.code)
        if not site.portal and unit is not None and unit.national is not None and unit.national.portal_url:
            site.portal = unit.national.portal_url
    if only:
        entries = [s for s in entries if s.slug in set(only)]
        if not entries:
            raise click.ClickException(f"no site with slug {', '.join(only)}")
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
@click.option("--portals", "portals_path", default=DEFAULT_NATIONAL, show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Units and portals: the national list (its 政府信息公开 entry pages walked first), a CSV "
                   "code,name,domain, or a registry YAML with 'portal'.")
@click.option("--portal", "portal_url", default=None, help="Discover this portal URL alone (with --code, --name).")
@click.option("--name", default="", help="The unit's name, with --portal.")
@click.option("--out", "out", default=DISCOVERED_REGISTRY, show_default=True,
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
             portal_url: str | None, name: str, out: Path, state_dir: Path, force: bool, delay: float,
             max_requests: int, timeout: float) -> None:
    """Find each portal's 年报 columns (robots.txt obeyed, --delay per host, at most --max-requests a site)
    and write registry entries with the evidence for every column.

    Example: nianbao sites discover --code 410308 --out sites/discovered.yaml
    """
    from crawler.sites.discover.entry import (
        DiscoveryState,
        Portal,
        load_portals,
        select_portals,
        write_entries,
    )
    from crawler.sites.discover.run import discover_portals

    if portal_url:
        if len(codes) != 1:
            raise click.UsageError("--portal needs one --code (the unit's 行政区划代码)")
        chosen = [Portal(codes[0], name or codes[0], portal_url)]
    else:
        if not (codes or provinces or everything):
            raise click.UsageError("say which units: --code, --province, --all (or --portal URL --code CODE)")
        chosen = select_portals(load_portals(project_path(portals_path)), codes, provinces, everything)
        if not chosen:
            raise click.ClickException(f"{portals_path}: no unit matches {', '.join(codes + provinces)}")
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
    click.echo(f"[{outcome.number}/{outcome.of}] ", nl=False)
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
