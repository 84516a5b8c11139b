"""One spider per CMS family (see crawler/spiders/base.py for how they work and how to add one)."""

from __future__ import annotations

from importlib import import_module


def spider_for_family(family: str) -> type:
    """The spider class of a registry family (``trs``, ``hanweb``, …)."""
    module = import_module(f"crawler.spiders.{family}")
    for value in vars(module).values():
        if isinstance(value, type) and getattr(value, "name", None) == family and getattr(value, "family", None):
            return value
    raise LookupError(f"no spider for family {family!r}")
