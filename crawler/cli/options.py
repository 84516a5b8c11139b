"""Options shared by the commands that run spiders: `-s NAME=VALUE` and the settings profile."""

from __future__ import annotations

from typing import Any

import click

from crawler.settings.overrides import parse_overrides


def _overrides(ctx: click.Context, param: click.Parameter, pairs: tuple[str, ...]) -> dict[str, Any]:
    try:
        return parse_overrides(pairs)
    except ValueError as e:
        raise click.BadParameter(str(e), ctx=ctx, param=param) from e


overrides_option = click.option(
    "-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE", callback=_overrides,
    help="Override a Scrapy setting, as `scrapy crawl -s` does; repeatable.")

settings_module_option = click.option(
    "--settings-module", default=None, envvar="SCRAPY_SETTINGS_MODULE", metavar="MODULE",
    help="Settings profile (default crawler.settings, polite; crawler.settings.demo for the loopback demo web).")
