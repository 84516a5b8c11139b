"""Builds the whole demo web: which body published which report, its numbers, pages and gold.

Deterministic: every random choice comes from ``random.Random`` seeded by a
fixed string naming what is being drawn, and no clock is read, so two
builds are identical and one site's changes do not shift another's.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from crawler import schema
from crawler.demo import attached, catalog, crossplant, numbers, portals
from crawler.demo.article import legacy_article, report_article
from crawler.demo.articles import Article
from crawler.demo.catalog import Body, SiteSpec
from crawler.demo.decoys import decoy_body
from crawler.demo.families import dateid, generic, gkmlpt, hanweb, jhtml, trs
from crawler.demo.model import Column, DemoCorpus, DemoDecoy, DemoReport, DemoSite, Page
from crawler.demo.seed import load_seed
from crawler.demo.style import PrintStyle

FAMILIES = {"dateid": dateid, "trs": trs, "hanweb": hanweb, "gkmlpt": gkmlpt, "jhtml": jhtml, "generic": generic}
YEARS = range(2018, 2026)
SEED = "nianbao-demo-2026"
# Reports printed with a rule broken on purpose: (site, body level, year) → rules.
PLANTED = {
    ("mengjin", "department", 2022): ["1"],
    ("xigong", "government", 2021): ["2"],
    ("kaihua", "town", 2023): ["3"],
    ("dabu", "department", 2020): ["4"],
    ("jinshui", "government", 2024): ["1", "4"],
    ("yiyang", "government", 2019): ["3"],
    ("kaihua", "department", 2024): ["2"],
}
SEED_SITE = "mengjin"
SEED_DATE = dt.date(2024, 1, 26)


def _rng(*parts: object) -> random.Random:
    return random.Random(":".join([SEED, *map(str, parts)]))


def _title(body: Body, year: int, rng: random.Random) -> tuple[str, str]:
    """(title, the body's name as the title prints it): towns are often named without 人民政府."""
    name = body.name_in(year)
    if body.level == "town" and name.endswith("人民政府") and rng.random() < 0.6:
        name = name.removesuffix("人民政府")
    word = "年报" if rng.random() < 0.1 else "年度报告"
    return f"{name}{year}年政府信息公开工作{word}", name


def _published(body: Body, year: int, rng: random.Random) -> dt.date:
    """Departments and towns publish in January, governments by 31 March; some are late."""
    start = dt.date(year + 1, 1, 1)
    if body.level == "government":
        return start + dt.timedelta(days=rng.randint(19, 88))
    if rng.random() < 0.15:
        return start + dt.timedelta(days=rng.randint(31, 78))
    return start + dt.timedelta(days=rng.randint(4, 30))


def _plans(spec: SiteSpec) -> list[tuple[Body, int]]:
    """Which body published which year (the seed's body is left out of the seed's year)."""
    rng = _rng(spec.slug, "plans")
    out = []
    for body in spec.bodies:
        for year in YEARS:
            if body.level == "zone" and spec.slug == SEED_SITE and year < 2021:
                continue  # the 开发区 reports under its present name only
            if spec.slug == SEED_SITE and body.level == "zone" and year == 2023:
                continue  # the real seed report stands there
            if body.every_year or rng.random() < 0.55:
                out.append((body, year))
    return out


def _planted_for(spec: SiteSpec, plans: list[tuple[Body, int]]) -> dict[tuple[str, int], list[str]]:
    """Map each planted (site, level, year) to the first matching planned report."""
    out = {}
    for (slug, level, year), rules in PLANTED.items():
        if slug != spec.slug:
            continue
        for body, y in plans:
            if body.level == level and y == year and (body.name, y) not in out:
                out[(body.name, y)] = rules
                break
    return out


def _report_article(spec: SiteSpec, col: Column, body: Body, year: int, rules: list[str],
                    cross: dict | None = None) -> Article:
    """One report page; ``cross`` carries the cross-report plants (crossplant.py) and gets the cells back."""
    cross = {} if cross is None else cross
    rng = _rng(spec.slug, body.name, year)
    template = schema.template_for_year(year)
    title, agency = _title(body, year, rng)
    published = _published(body, year, rng)
    heading = rng.choice(("p", "h3", "h4"))
    gold: dict = {"source": "", "template": template, "year": year, "agency": agency, "title": title,
                  "published": published.isoformat(), "body_level": body.level}
    if template == "legacy":
        html = legacy_article(rng, agency, year, heading)
        gold.update(cells={}, complete=True)
    else:
        cells = numbers.report_cells(rng, template, body.level)
        crossplant.chain(cells, cross.get("previous"), template)
        if cross.get("break_carry"):
            crossplant.break_carry(cells)
        for rule in rules:
            numbers.plant(rng, cells, rule, template)
        stated = {}
        if cross.get("misstate"):
            key, offset = cross["misstate"]
            stated[key] = int(cells[key]) + offset
        html, gold_cells = report_article(rng, agency, year, template, cells, PrintStyle.draw(rng), heading,
                                          stated)
        cross["cells"] = cells
        gold.update(cells=gold_cells, complete=True)
        if rules:
            gold["planted_findings"] = list(rules)
    # 发布机构, ContentSource and the list's publisher name the body as its title does
    return Article(0, col, title, agency, published, html, "report", year=year, template=template, gold=gold)


def _decoys(spec: SiteSpec, col: Column) -> list[Article]:
    rng = _rng(spec.slug, "decoys", col.body_level)
    kinds = rng.sample(catalog.DECOY_TITLES, rng.randint(2, 3))
    out = []
    for kind, pattern in kinds:
        year = rng.randint(2019, 2025)
        title = pattern.format(short=spec.short, year=year)
        published = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(10, 350))
        out.append(Article(0, col, title, f"{spec.short}人民政府办公室", published,
                           decoy_body(kind, rng, spec.short, year), "decoy", decoy_kind=kind))
    return out


def column_for(columns: list[Column], body: Body) -> Column:
    """The column a body publishes in: its own when the site has one per body, else its level's."""
    own = [c for c in columns if c.body == body.name]
    return own[0] if own else next(c for c in columns if c.body_level == body.level and not c.body)


def _robots(spec: SiteSpec) -> Page:
    lines = ["User-agent: *"] + [f"Disallow: {p}" for p in spec.robots_disallow] + ["Allow: /", ""]
    return Page(200, {"Content-Type": "text/plain; charset=utf-8"}, "\n".join(lines).encode())


def build_site(spec: SiteSpec, seed_dir: Path | None) -> tuple[DemoSite, list[DemoReport], list[DemoDecoy], list[dict]]:
    family = FAMILIES[spec.family]
    columns = family.make_columns(spec)
    plans = _plans(spec)
    planted = _planted_for(spec, plans)
    carry, text = crossplant.carry_plants(spec, plans), crossplant.text_plants(spec, plans)
    articles, made, last, plain = [], [], {}, []
    for b, y in plans:  # body by body, years in order: each year's 上年结转 follows the last
        cross = {"previous": last.get((b.name, y - 1)), "break_carry": (b.name, y) in carry,
                 "misstate": text.get((b.name, y))}
        articles.append(_report_article(spec, column_for(columns, b), b, y, planted.get((b.name, y), []), cross))
        if articles[-1].template != "legacy" and not ({(b.name, y)} & (planted.keys() | carry | text.keys())):
            plain.append(articles[-1])  # may be published as a file: no planted fault lives in its text
        last[(b.name, y)] = cross.get("cells")
        made.append({"body": b, "year": y, "published": articles[-1].published, "cells": cross.get("cells")})
    for level in dict.fromkeys(c.body_level for c in columns):  # a level's decoys sit in its first column
        articles += _decoys(spec, next(c for c in columns if c.body_level == level))
    if spec.slug == SEED_SITE:
        seed = load_seed(seed_dir)
        if seed is not None:
            gold = dict(seed.gold)
            zone_column = next(c for c in columns if c.body_level == "zone")
            articles.append(Article(0, zone_column, seed.title, seed.agency, SEED_DATE, seed.body_html,
                                    "report", year=seed.year, template=seed.template, gold=gold))
            zone = next(b for b in spec.bodies if b.level == "zone")
            made.append({"body": zone, "year": seed.year, "published": SEED_DATE, "cells": None})
    cross_gold = crossplant.gold_for_site(spec, made, carry, text)
    # ids grow with the publication date, as CMS ids do
    articles.sort(key=lambda a: (a.published, a.title))
    for i, a in enumerate(articles, 1):
        a.uid = i
        a.index_no = f"{spec.code}{columns.index(a.column) + 1:02d}/{a.published.year}-{i:05d}"
    files = attached.choose(spec.slug, plain)
    for a in articles:
        if a.uid in files:
            attached.point_at_file(a, files[a.uid])
    grouped = [(c, sorted((a for a in articles if a.column is c), key=lambda a: (a.published, a.uid), reverse=True))
               for c in columns]
    site = DemoSite(spec.slug, spec.name, spec.code, spec.level, spec.family, columns,
                    robots_disallow=list(spec.robots_disallow), source=f"imitates {spec.domain} ({spec.family})")
    family.build(spec, site, grouped)
    portals.build(spec, site, columns)
    site.pages["/robots.txt"] = _robots(spec)
    file_paths = {}
    for a in articles:
        if a.uid in files:
            file_paths[a.uid], site.pages[file_paths[a.uid]] = attached.file_page(a, files[a.uid])
    reports, decoys = [], []
    for a in sorted(articles, key=lambda a: a.uid):
        if a.kind == "decoy":
            decoys.append(DemoDecoy(spec.slug, a.path, a.title, a.decoy_kind))
            continue
        gold = a.gold
        if gold.get("source") == "":
            gold["source"] = a.path
        reports.append(DemoReport(spec.slug, a.path, a.title, gold.get("agency", a.agency), a.column.body_level,
                                  a.year or 0, a.template or "", a.date_iso, gold, a.column.name,
                                  file_paths.get(a.uid, ""), files.get(a.uid, "")))
    return site, reports, decoys, cross_gold


def build_demo_web(seed_dir: Path | None = None) -> DemoCorpus:
    """The demo web: six district sites in six CMS families, their reports and gold."""
    sites, reports, decoys, cross_gold = [], [], [], []
    for spec in catalog.SITES:
        site, rs, ds, cg = build_site(spec, seed_dir)
        sites.append(site)
        reports += rs
        decoys += ds
        cross_gold += cg
    return DemoCorpus(sites, reports, decoys, cross_gold)
