"""`nianbao` — the command line. A thin click layer over the library.

Named errors (crawler.exceptions) become one line on stderr. Exit codes (README, docs/operations.md):
0 done; 1 an error (a bad file, registry or archive); 2 a crawl raised an alarm;
75 archive.db busy: another process held its write lock past the busy timeout (nothing half written;
the line names what was not stored; run again later).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from crawler.cli.options import overrides_option, settings_module_option
from crawler.exceptions import ArchiveBusy, NianbaoError

DEFAULT_DB = "archive.db"
EXIT_ARCHIVE_BUSY = 75  # EX_TEMPFAIL: try again later


class ArchiveBusyExit(click.ClickException):
    exit_code = EXIT_ARCHIVE_BUSY


class NianbaoGroup(click.Group):
    """Turns a NianbaoError into `Error: <message>` and exit status 1 (75 when archive.db is busy)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ArchiveBusy as e:
            raise ArchiveBusyExit(str(e)) from e
        except NianbaoError as e:
            raise click.ClickException(str(e)) from e


def refresh(db: Path) -> None:
    """Derived data (bodies, cross-report findings, views, search) at the end of a write run."""
    import datetime as dt

    from crawler.derive import refresh_derived

    refresh_derived(db, today=dt.date.today())


@click.group(cls=NianbaoGroup)
@click.version_option(package_name="nianbao")
def main() -> None:
    """nianbao (年报): crawl, archive and check 政府信息公开工作年度报告.

    Example: nianbao demo
    """


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--text", "with_text", is_flag=True, help="Include the report's full text.")
def extract(file: Path, with_text: bool) -> None:
    """Print what one document says, as JSON with the canonical cell names.

    Example: nianbao extract report.html
    """
    from crawler.extract import extract_path

    report = extract_path(file)
    click.echo(json.dumps(report.to_json(with_text=with_text), ensure_ascii=False))


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--serve/--no-serve", default=True, help="Start Datasette after the crawl.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int, help="Datasette's port.")
@click.option("--web-port", default=18080, show_default=True, type=int,
              help="Port of the demo web (each demo site has its own 127.0.0.x address).")
def demo(db: Path, serve: bool, host: str, port: int, web_port: int) -> None:
    """Start the demo web, crawl every demo site into DB, then serve it with Datasette.

    Example: nianbao demo --no-serve
    """
    from crawler.cli.demo import run_demo

    run_demo(db, serve=serve, host=host, port=port, web_port=web_port)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
@click.option("--sites", "registries", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A site registry YAML file; repeatable (default: sites/real.yaml, then sites/discovered.yaml "
                   "if present; a relative path not found here is looked up in the project).")
@click.option("--national", default="sites/national.csv", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The national list of units: known, not crawled until an entry gives them columns; '-' for none.")
@click.option("--site", "only", multiple=True, help="Crawl only this site (slug, or a unit's code); repeatable.")
@click.option("--alarm-exit/--no-alarm-exit", default=True, show_default=True,
              help="Exit 2 when a site that yielded reports before yields none, or only errors.")
@click.option("--full", is_flag=True,
              help="Weekly pass: every list page and every report (still conditional GETs).")
@click.option("--user-agent", default=None, envvar="NIANBAO_USER_AGENT",
              help="User-Agent to send (default: nianbao/VERSION with NIANBAO_CONTACT_URL).")
@click.option("--redis", "redis_url", default=None, envvar="NIANBAO_REDIS",
              help="Crawl as one worker of a fleet sharing this Redis (redis://HOST:PORT/N); docs/scale.md.")
@settings_module_option
@overrides_option
def crawl(db: Path, registries: tuple[Path, ...], national: Path, only: tuple[str, ...], alarm_exit: bool,
          full: bool, user_agent: str | None, redis_url: str | None, settings_module: str | None,
          overrides: dict[str, Any]) -> None:
    """Crawl the registry's sites incrementally into DB (docs/operations.md).

    Example: nianbao crawl --sites sites/real.yaml --site mengjin
    """
    from crawler.cli.sites import open_registry, project_path
    from crawler.crawl.runner import crawl as run_crawl

    for path in registries:
        if not project_path(path).is_file():
            raise click.ClickException(f"{path}: no such registry file")
    reg = open_registry(registries, national)
    registry = ", ".join(reg.files)
    sites = reg.entries
    if only:
        sites = select_sites(reg, only)
    elif reg.national_file:
        click.echo(f"{len(reg.known_only())} of {len(reg.units)} known unit(s) have no columns yet "
                   f"(not crawled; `nianbao sites list --units`)", err=True)
    settings = dict(overrides)
    if user_agent:
        settings["USER_AGENT"] = user_agent
    if redis_url:  # archive.db is the writer's (`nianbao writer`); this process only fetches
        from crawler.cli.fleet import crawl_as_worker

        return crawl_as_worker(db, sites, registry=str(registry), redis_url=redis_url, settings=settings,
                               settings_module=settings_module, incremental=not full)
    result = run_crawl(db, sites, registry_name=str(registry), settings=settings, settings_module=settings_module,
                       incremental=not full)
    refresh(db)
    _print_crawl(result)
    if result.alarms and alarm_exit:
        sys.exit(2)


def select_sites(reg, only: tuple[str, ...]) -> list:
    """The entries named by slug or by unit code; a name that is neither, or a unit without columns, is an error."""
    chosen = [s for s in reg.entries if s.slug in only or s.code in only]
    found = {s.slug for s in chosen} | {s.code for s in chosen}
    problems = []
    for name in only:
        if name in found:
            continue
        unit = reg.unit(name)
        if unit is not None:
            problems.append(f"{name} {unit.name} is known (portal {unit.portal or 'unknown'}) but has no columns yet: "
                            f"run `nianbao sites discover --code {name}`")
        else:
            problems.append(f"no site named {name}")
    if problems:
        raise click.ClickException(f"{', '.join(reg.files)}: " + "; ".join(problems))
    return chosen


def _print_crawl(result) -> None:
    for s in result.sites:
        flag = (f"  not a report {s.not_a_report}" if s.not_a_report else "") + (f"  ALARM: {s.alarm}" if s.alarm else "")
        click.echo(f"{s.site:<16} {s.spider:<8} pages {s.pages:>5}  reports seen {s.reports_seen:>4}  "
                   f"new {s.reports_new:>4}  changed {s.reports_changed:>3}  unchanged {s.reports_unchanged:>4}"
                   f"  skipped {s.reports_skipped:>4}  errors {sum(s.errors.values()):>3}{flag}")
    t = result.totals()
    click.echo(f"run {result.run_id}: {t['pages']} pages, {t['reports_new']} new, {t['reports_changed']} changed, "
               f"{t['reports_unchanged']} unchanged reports; {len(result.alarms)} alarms")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(path_type=Path))
def ingest(paths: tuple[Path, ...], db: Path) -> None:
    """Archive local files (or directories of them) as `file:` documents and extract them.

    Example: nianbao ingest ~/Downloads/report.html
    """
    from crawler.record.ingest import ingest_paths

    def say(r) -> None:
        if r.error:
            click.echo(f"{r.path}: {r.error}", err=True)
        elif r.status == "not_a_report":
            click.echo(f"{r.path}: not a report (no tables, no report text): archived only, not stored")
        else:
            click.echo(f"{r.path}: {r.status} (template {r.template}, year {r.year}, {r.cells} cells)")

    results = ingest_paths(db, paths, on_result=say)
    refresh(db)
    if any(r.error for r in results):
        sys.exit(1)


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True, path_type=Path))
@click.option("--progress/--no-progress", default=True)
@click.option("--processes", default=None, type=click.IntRange(min=1),
              help="Extractor processes reading in parallel (default: one a core).")
def reextract(db: Path, progress: bool, processes: int | None) -> None:
    """Rebuild reports, cells and findings from the archive alone (no network).

    The documents are read in parallel processes; this process alone stores them.

    Example: nianbao reextract --db archive.db --processes 2
    """
    from crawler.record.reextract import reextract_all

    count = reextract_all(db, progress=progress, processes=processes)
    refresh(db)
    click.echo(f"re-extracted {count.reports} reports from {count.documents} documents ({count.errors} errors)")


@main.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True, type=int)
def serve(db: Path, host: str, port: int) -> None:
    """Serve archive.db read-only with Datasette (Chinese labels, search, canned queries).

    Never writes: the views are built by the write runs (crawl, ingest, reextract, writer).

    Example: nianbao serve --port 8001
    """
    from crawler.derive import has_derived
    from crawler.publish.serve import run_datasette

    if not has_derived(db):
        click.echo(f"{db}: no views yet (run `nianbao reextract --db {db}` once); serving the raw tables",
                   err=True)
    run_datasette(db, host=host, port=port)


@main.command("export-warc")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--db", default=DEFAULT_DB, show_default=True, type=click.Path(exists=True, path_type=Path))
@click.option("--site", default=None, help="Only this site's documents (slug).")
@click.option("--since", default=None, help="Only documents fetched since this ISO date.")
def export_warc_command(out: Path, db: Path, site: str | None, since: str | None) -> None:
    """Write the archive as one WARC file for replay tools (pywb, ReplayWeb.page).

    Example: nianbao export-warc mengjin.warc.gz --site mengjin
    """
    from crawler.archive.export import export_warc, warc_records_valid

    count = export_warc(db, out, site=site, since=since)
    records, problems = warc_records_valid(out)
    for p in problems:
        click.echo(f"{out}: {p}", err=True)
    click.echo(f"{out}: {count.records} records ({count.bytes} bytes) from {count.files} WARC files; "
               f"{records} records read back, {len(problems)} problems")
    if problems:
        sys.exit(1)


def _add_optional_commands() -> None:
    """Command groups that live in their own modules."""
    from crawler.cli.fleet import writer

    main.add_command(writer)
    from crawler.cli.body import body

    main.add_command(body)
    from crawler.cli.sites import sites

    main.add_command(sites)


_add_optional_commands()

if __name__ == "__main__":
    main()
