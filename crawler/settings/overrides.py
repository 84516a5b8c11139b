"""`-s NAME=VALUE` overrides, parsed one way for every command that runs spiders."""

from __future__ import annotations

import json
from typing import Any


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """`-s NAME=VALUE` pairs, as `scrapy crawl -s` takes them; ValueError names a bad pair.

    Values stay strings (Scrapy's Settings converts them when read: getbool("False"),
    getint("8")), except a JSON object or array, which becomes a dict or list so that
    a dict setting (DOWNLOADER_MIDDLEWARES) can be overridden whole.
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"{pair!r}: expected NAME=VALUE")
        if value.lstrip().startswith(("{", "[")):
            try:
                out[name.strip()] = json.loads(value)
                continue
            except json.JSONDecodeError as e:
                raise ValueError(f"{pair!r}: {e}") from e
        out[name.strip()] = value
    return out


def as_set_args(settings: dict[str, Any]) -> list[str]:
    """The inverse of parse_overrides, for a child process's command line."""
    args = []
    for k, v in settings.items():
        value = json.dumps(v) if isinstance(v, dict | list) else str(v)
        args += ["-s", f"{k}={value}"]
    return args
