"""Cross-report questions planted in the demo web, and their gold (``DemoCorpus.cross_gold``).

Each body's 上年结转 is chained to its previous year's 结转下年度, so the
years agree unless a break is planted here. Planted on purpose:

* carry-over breaks: this year's 上年结转 one more than last year's 结转下年度
  (natural-person column and total), results raised to keep rules 1–3;
* contradicting sentences: the overview states a count the table does not;
* late dates and missing years come from the generator's own draws (15% of
  departments and towns publish after 31 January; bodies skip years), and
  are listed in the gold from those draws.

No random number is drawn here, so every other report prints as before.
"""

from __future__ import annotations

import datetime as dt

from crawler import schema
from crawler.demo.catalog import Body, SiteSpec

# (site, body level, year): the first body of that level publishing in year-1 and year gets a break.
PLANTED_CARRY = (
    ("xigong", "government", 2022),
    ("kaihua", "department", 2023),
    ("jinshui", "government", 2024),
    ("mengjin", "government", 2021),  # across the 孟津县 → 孟津区 renaming
)
# (site, body level, year, cell the overview misstates, by how much).
PLANTED_TEXT = (
    ("dabu", "government", 2022, "requests.new_received.total", 3),
    ("yiyang", "department", 2023, "requests.new_received.total", 2),
    ("xigong", "government", 2024, "appeals.review.total", 1),
)
CARRY_COLUMN = "natural_person"
LAST_YEAR = 2025


def deadline(level: str, year: int) -> dt.date:
    """条例 第四十九条 (from 2019): governments by 31 March, others by 31 January; 31 March before."""
    if year <= 2018 or level == "government":
        return dt.date(year + 1, 3, 31)
    return dt.date(year + 1, 1, 31)


def _first(plans: list[tuple[Body, int]], level: str, year: int, need_previous: bool) -> Body | None:
    have = {(b.name, y) for b, y in plans}
    for body, y in plans:
        if body.level == level and y == year and (not need_previous or (body.name, year - 1) in have):
            return body
    return None


def carry_plants(spec: SiteSpec, plans: list[tuple[Body, int]]) -> set[tuple[str, int]]:
    """(body name, year) of each planted carry-over break on this site."""
    out = set()
    for slug, level, year in PLANTED_CARRY:
        body = _first(plans, level, year, need_previous=True) if slug == spec.slug else None
        if body is not None:
            out.add((body.name, year))
    return out


def text_plants(spec: SiteSpec, plans: list[tuple[Body, int]]) -> dict[tuple[str, int], tuple[str, int]]:
    """(body name, year) → (misstated cell, offset) on this site."""
    out = {}
    for slug, level, year, key, offset in PLANTED_TEXT:
        body = _first(plans, level, year, need_previous=False) if slug == spec.slug else None
        if body is not None:
            out[(body.name, year)] = (key, offset)
    return out


def _retotal(cells: dict, row: str) -> None:
    cells[f"requests.{row}.total"] = sum(cells[f"requests.{row}.{c}"] for c in schema.APPLICANT_COLUMNS)


def chain(cells: dict, previous: dict | None, template: str) -> None:
    """Make 上年结转 equal last year's 结转下年度, keeping rules 1–3 (results absorb the difference)."""
    if not previous or "requests.carried_forward.total" not in previous:
        return
    rows = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
    for col in schema.APPLICANT_COLUMNS:
        over = previous[f"requests.carried_forward.{col}"]
        new = cells[f"requests.new_received.{col}"]
        fwd = min(cells[f"requests.carried_forward.{col}"], new + over)
        done = new + over - fwd
        delta = done - cells[f"requests.results_total.{col}"]
        cells[f"requests.carried_over.{col}"], cells[f"requests.carried_forward.{col}"] = over, fwd
        cells[f"requests.results_total.{col}"] = done
        if delta >= 0:
            cells[f"requests.granted.{col}"] += delta
        for row in rows:  # take a shrinking total out of the result rows, first row first
            take = min(-delta, cells[f"requests.{row}.{col}"]) if delta < 0 else 0
            cells[f"requests.{row}.{col}"] -= take
            delta += take
    for row in ("carried_over", "carried_forward", "results_total", *rows):
        _retotal(cells, row)


def break_carry(cells: dict) -> None:
    """One more 上年结转 than last year carried forward, results raised to match."""
    for row in ("carried_over", "results_total", "granted"):
        cells[f"requests.{row}.{CARRY_COLUMN}"] += 1
        _retotal(cells, row)


def gold_for_site(spec: SiteSpec, made: list[dict], carry: set, text: dict) -> list[dict]:
    """The cross-report findings a correct run must report for one site.

    ``made``: one dict per published report: body (catalog Body), year, published (date), cells.
    """
    out: list[dict] = []
    by_body: dict[str, dict[int, dict]] = {}
    for m in made:
        by_body.setdefault(m["body"].name, {})[m["year"]] = m
    for name, years in sorted(by_body.items()):
        for year, m in sorted(years.items()):
            body, base = m["body"], {"site": spec.slug, "body": name, "level": m["body"].level}
            prev = years.get(year - 1)
            if prev is not None and prev["cells"] and m["cells"]:
                for col in schema.REQUEST_COLUMNS:
                    a = prev["cells"].get(f"requests.carried_forward.{col}")
                    b = m["cells"].get(f"requests.carried_over.{col}")
                    if a is not None and b is not None and a != b:
                        out.append({**base, "kind": "carry_over", "years": [year - 1, year],
                                    "key": f"requests.carried_over.{col}", "planted": (name, year) in carry})
            if (name, year) in text:
                out.append({**base, "kind": "text_vs_table", "years": [year], "key": text[(name, year)][0]})
            due = deadline(body.level, year)
            if m["published"] > due:
                out.append({**base, "kind": "late", "years": [year], "key": None,
                            "days_late": (m["published"] - due).days})
            if year + 1 <= LAST_YEAR and year + 1 not in years:
                out.append({**base, "kind": "missing", "years": [year + 1], "key": None})
    return out
