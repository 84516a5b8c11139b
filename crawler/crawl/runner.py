"""Run a crawl of a registry in this process and record what it did.

One Scrapy CrawlerProcess runs one spider per CMS family present in the
registry, each given its own sites, as one run: crawler/crawl/runs.py opens
its `crawl_runs` row before the spiders start and writes the per-site rows
after they stop. A `scrapy crawl` of one family is recorded by the same code
from crawler/crawl/extensions.py, which stands aside here (NIANBAO_RECORD_RUN
is off) so that a run is recorded once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.crawl.incremental import known_reports
from crawler.crawl.runs import CrawlResult, OpenRun, SpiderRun, close_run, crawl_lock, fail_run, open_run
from crawler.exceptions import CrawlFailed

#: The production profile; crawler/settings/ also holds `demo`, `fleet_demo` and `tests`.
DEFAULT_SETTINGS_MODULE = "crawler.settings"


def project_settings(db_path: str | Path, overrides: dict[str, Any] | None = None,
                     module: str | None = None) -> Settings:
    """A settings profile (module, else $SCRAPY_SETTINGS_MODULE, else crawler.settings), the archive path
    and any `-s NAME=VALUE` overrides, in Scrapy's order of precedence."""
    name = module or os.environ.get("SCRAPY_SETTINGS_MODULE") or DEFAULT_SETTINGS_MODULE
    settings = Settings()
    try:
        settings.setmodule(name, priority="project")
    except ImportError as e:
        raise CrawlFailed(f"settings profile {name}: cannot be imported ({e})") from e
    settings.set("NIANBAO_DB", str(db_path), priority="cmdline")
    for k, v in (overrides or {}).items():
        settings.set(k, v, priority="cmdline")
    return settings


def crawl(
    db_path: str | Path,
    sites: Iterable[Any],
    *,
    registry_name: str = "",
    settings: dict[str, Any] | None = None,
    settings_module: str | None = None,
    incremental: bool = True,
) -> CrawlResult:
    """Crawl every site (registry.Site objects) once; blocking; one call per process.

    `settings_module` is the profile (crawler/settings/), `settings` the `-s` overrides on top.
    """
    with crawl_lock(db_path):
        return _crawl(db_path, list(sites), registry_name=registry_name, settings=settings,
                      settings_module=settings_module, incremental=incremental)


def _crawl(db_path: str | Path, sites: list[Any], *, registry_name: str, settings: dict[str, Any] | None,
           settings_module: str | None, incremental: bool) -> CrawlResult:
    from crawler.archive.documents import DocumentStore

    scrapy_settings = project_settings(db_path, settings, settings_module)  # a bad profile opens no run
    run = open_run(db_path, sites, registry_name=registry_name, incremental=incremental)
    scrapy_settings.set("NIANBAO_RECORD_RUN", False, priority="cmdline")  # this run is recorded here, once
    try:
        spiders = _run_spiders(db_path, sites, scrapy_settings, run, incremental=incremental)
    except BaseException:
        fail_run(db_path, run.run_id)
        raise
    DocumentStore.close_shared()
    return close_run(db_path, run, spiders)


def _run_spiders(db_path: str | Path, sites: list[Any], scrapy_settings: Settings, run: OpenRun, *,
                 incremental: bool) -> list[SpiderRun]:
    """One crawler per CMS family, all in one CrawlerProcess; blocks until every spider closes."""
    # {url: list date}: known reports whose list entry is unchanged are not fetched (--full: none known)
    known = known_reports(db_path) if incremental else {}
    process = CrawlerProcess(scrapy_settings)
    loader = SpiderLoader.from_settings(scrapy_settings)
    crawlers = []
    for family in sorted({s.family for s in sites}):
        family_sites = [s for s in sites if s.family == family]
        crawler = process.create_crawler(loader.load(family))
        crawlers.append((family, family_sites, crawler))
        process.crawl(crawler, sites=family_sites, known_urls=known, stop_at_known=not run.resume)
    process.start()
    out = []
    for family, family_sites, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        out.append(SpiderRun(family, family_sites, stats, list(getattr(crawler.spider, "skipped_urls", [])),
                             stats.get("finish_reason")))
    return out
