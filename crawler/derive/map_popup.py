"""The map's popup (datasette-cluster-map reads a `popup` column as JSON): Chinese fields, a link to the reports.

Without it the plugin lists every column of the row (slug, latitude …).
The link is relative to the view's page (/archive/各地报告分布), so it
opens 报告一览 filtered to the district (else the city, else the province).
"""

from __future__ import annotations


def map_popup(alias: str = "f", site: str = "s") -> str:
    """SQL (inside the per-site GROUP BY of 各地报告分布) building the popup's JSON."""
    place = (f"coalesce('区县=' || max({alias}.district), '市=' || max({alias}.city), "
             f"'省=' || max({alias}.province), '')")
    region = f"trim(coalesce(max({alias}.province), '') || ' ' || coalesce(max({alias}.city), '') || ' ' || " \
             f"coalesce(max({alias}.district), ''))"
    description = (f"{region} || '；' || count({alias}.id) || ' 份报告（' || min({alias}.year) || '–' || "
                   f"max({alias}.year) || ' 年度），数字对不上的 ' || sum({alias}.findings_count > 0) || ' 份' || "
                   f"'。点击查看这些报告'")
    return (f"json_object('title', {site}.name, 'description', {description}, "
            f"'link', '报告一览?' || {place} || '&_sort_desc=年度')")
