"""Realistic small numbers for one report's tables, from a seeded RNG.

The numbers obey the four consistency rules of crawler/extract/checks.py unless a
rule is planted broken on purpose; ``plant`` breaks exactly the rule asked
for and no other, so the gold's ``planted_findings`` is the whole truth.
"""

from __future__ import annotations

import random

from crawler import schema

# How busy a body is: (max new requests from natural persons, max from a business, licensing scale)
_SCALE = {
    "government": (30, 6, 0),
    "department": (8, 3, 1500),
    "town": (3, 1, 40),
    "zone": (2, 1, 20),
}


def _split(rng: random.Random, total: int, keys: list[str], weights: list[float]) -> dict[str, int]:
    """Deal ``total`` units among ``keys`` at random, favouring the heavy weights."""
    out = dict.fromkeys(keys, 0)
    for _ in range(total):
        out[rng.choices(keys, weights)[0]] += 1
    return out


def proactive_cells(rng: random.Random, template: str, level: str) -> dict[str, int | float]:
    """Section 二: 规章 only for governments that may make them (none at district level)."""
    _, _, lic = _SCALE[level]
    c: dict[str, int | float] = {}
    if template == "2021":
        for col in ("issued", "repealed", "in_force"):
            c[f"proactive.regulations.{col}"] = 0
        issued = rng.randint(0, 6) if level == "government" else rng.randint(0, 2)
        repealed = rng.randint(0, 3) if level == "government" else rng.randint(0, 1)
        c["proactive.normative_documents.issued"] = issued
        c["proactive.normative_documents.repealed"] = repealed
        c["proactive.normative_documents.in_force"] = issued + rng.randint(0, 40 if level == "government" else 8)
        c["proactive.licensing.decisions"] = rng.randint(0, lic) if lic else 0
        c["proactive.penalties.decisions"] = rng.randint(0, lic // 3) if lic else 0
        c["proactive.coercion.decisions"] = rng.randint(0, 12) if lic and rng.random() < 0.4 else 0
        c["proactive.fees.amount_wan"] = round(rng.uniform(0.1, 80), rng.choice((1, 2))) if lic and rng.random() < 0.5 else 0
        return c
    for row in ("regulations", "normative_documents"):
        made = 0 if row == "regulations" else rng.randint(0, 5)
        c[f"proactive.{row}.made"] = made
        c[f"proactive.{row}.published"] = made
        c[f"proactive.{row}.total_published"] = made + (0 if row == "regulations" else rng.randint(0, 30))
    for row, scale in (("licensing", lic), ("other_services", lic // 4), ("penalties", lic // 3), ("coercion", 10)):
        prev = rng.randint(0, 60) if scale else 0
        c[f"proactive.{row}.previous"] = prev
        c[f"proactive.{row}.change"] = rng.randint(-min(prev, 5), 5) if prev else 0
        c[f"proactive.{row}.decisions"] = rng.randint(0, scale) if scale else 0
    c["proactive.fees.previous"] = rng.randint(0, 6) if lic else 0
    c["proactive.fees.change"] = rng.randint(-1, 1) if c["proactive.fees.previous"] else 0
    projects = rng.randint(0, 12)
    c["proactive.procurement.projects"] = projects
    c["proactive.procurement.amount"] = round(rng.uniform(3, 900), 2) if projects else 0
    return c


def request_cells(rng: random.Random, template: str, level: str) -> dict[str, int]:
    """Section 三: per applicant column, incoming = results + carried forward."""
    rows = schema.RESULT_ROWS_2021 if template == "2021" else schema.RESULT_ROWS_2019
    weights = {r: 0.3 for r in rows}
    weights.update(granted=8, partly_granted=2, unavailable_not_held=3, unavailable_needs_creation=1,
                   not_processed_petition=1, not_processed_duplicate=0.8, denied_process_info=0.6,
                   denied_third_party=0.5, denied_state_secret=0.15, other_misc=0.6, other=1.2,
                   other_no_correction=0.7)
    person, org, _ = _SCALE[level]
    quiet = rng.random() < (0.5 if level in ("town", "zone") else 0.2)
    c: dict[str, int] = {}
    for col in schema.APPLICANT_COLUMNS:
        top = person if col == "natural_person" else (org if col in ("business", "other_org") else 1)
        new = 0 if quiet else rng.randint(0, top) if rng.random() < (0.9 if col == "natural_person" else 0.25) else 0
        over = rng.choice((0, 0, 0, 1)) if new else 0
        forward = rng.randint(0, min(2, new + over)) if rng.random() < 0.3 else 0
        done = new + over - forward
        c[f"requests.new_received.{col}"] = new
        c[f"requests.carried_over.{col}"] = over
        c[f"requests.carried_forward.{col}"] = forward
        c[f"requests.results_total.{col}"] = done
        split = _split(rng, done, list(rows), [weights[r] for r in rows])
        for r in rows:
            c[f"requests.{r}.{col}"] = split[r]
    for row in schema.template_rows(template)["requests"]:
        c[f"requests.{row.key}.total"] = sum(c[f"requests.{row.key}.{col}"] for col in schema.APPLICANT_COLUMNS)
    return c


def appeal_cells(rng: random.Random, level: str) -> dict[str, int]:
    """Section 四: appeals are rare; most bodies print fifteen zeros."""
    c: dict[str, int] = {}
    for row in schema.APPEALS:
        busy = level in ("government", "department") and rng.random() < 0.35
        parts = [rng.choice((0, 0, 1, 2)) if busy else 0 for _ in range(4)]
        for col, v in zip(schema.APPEAL_COLUMNS[:-1], parts, strict=True):
            c[f"appeals.{row.key}.{col}"] = v
        c[f"appeals.{row.key}.total"] = sum(parts)
    return c


def report_cells(rng: random.Random, template: str, level: str) -> dict[str, int | float]:
    """Every cell of the template, in the template's printed order."""
    raw = {**proactive_cells(rng, template, level), **request_cells(rng, template, level), **appeal_cells(rng, level)}
    return {k: raw[k] for k in schema.template_keys(template)}


def plant(rng: random.Random, cells: dict[str, int | float], rule: str, template: str) -> None:
    """Break exactly one consistency rule, the way misprinted reports do."""
    col = rng.choice(schema.APPLICANT_COLUMNS)
    if rule == "1":  # 结转下年度 off by one in one column and its total: only rule 1 breaks
        for c in (col, "total"):
            cells[f"requests.carried_forward.{c}"] += 1
    elif rule == "2":  # two row totals off by one, keeping both column equations
        for r in ("new_received", "carried_forward"):
            cells[f"requests.{r}.total"] += 1
    elif rule == "3":  # a result row grows but 总计 does not
        for c in (col, "total"):
            cells[f"requests.granted.{c}"] += 1
    elif rule == "4":
        group = rng.choice(schema.APPEALS).key
        cells[f"appeals.{group}.total"] += 1
    else:
        raise ValueError(rule)
