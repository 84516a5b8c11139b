"""The map view's `popup` column (JSON for datasette-cluster-map) shows in the table as a link, not as JSON."""

from __future__ import annotations

import json

import markupsafe
from datasette import hookimpl


@hookimpl
def render_cell(value, column, table):
    if column != "popup" or table != "各地报告分布" or not value:
        return None
    try:
        link = json.loads(value)["link"]
    except (ValueError, KeyError, TypeError):
        return None
    return markupsafe.Markup('<a href="{}">查看这些报告</a>').format(link)
