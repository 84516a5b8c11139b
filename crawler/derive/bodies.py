"""Publishing bodies across years: one row per body, every report linked to it.

Comparing a report with last year's needs to know that 孟津县教育局 (2020) and
孟津区教育局 (2021) are one body. That is decided by rules a maintainer can
read and correct, never by a similarity score:

1. ``normalize_name``: the printed name with documented variants removed
   (whitespace and full-width forms; a leading city before a district or
   county, 洛阳市孟津区… → 孟津区…; a government's office publishing the
   government's report, …人民政府办公室 → …人民政府, for government bodies
   only; a town printed with or without 人民政府, …镇人民政府 → …镇).
2. ``sites/aliases.yaml``: renamings and mergers (孟津县 → 孟津区 until 2020),
   each with the years it applies to and, optionally, the site.

A body is (site, 行政区划代码 of the site, normalised name). ``build_bodies``
rebuilds the links every night; body ids are kept across runs so that
links into Datasette stay valid.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils
import yaml

from crawler.record.store import write_transaction

ALIASES_PATH = Path(__file__).resolve().parents[2] / "sites" / "aliases.yaml"

_CITY_BEFORE_DISTRICT = re.compile(r"^[\u4e00-\u9fff]{2,4}市(?=[\u4e00-\u9fff]{1,5}[区县])")
_GOV_OFFICE = re.compile(r"(?:人民政府|政府)办公(?:室|厅)$|(?<!人民)政府$")
_TOWN_GOV = re.compile(r"([镇乡])人民政府$")
_TITLE_TAIL = re.compile(r"(?:关于)?[（(]?\d{4}[)）]?年度?(?:政府)?(?:信息公开|政务公开).*$")


@dataclass(frozen=True)
class Alias:
    """One line of sites/aliases.yaml: ``names`` read as ``canonical`` in years [start, until]."""

    canonical: str
    names: tuple[str, ...]
    start: int | None = None
    until: int | None = None
    prefix: bool = False
    site: str | None = None

    def apply(self, name: str, year: int | None, site: str | None) -> str | None:
        """The canonical name if this entry covers (name, year, site), else None."""
        if self.site and site != self.site:
            return None
        if year is not None and ((self.start and year < self.start) or (self.until and year > self.until)):
            return None
        for alias in self.names:
            if self.prefix and name.startswith(alias):
                return self.canonical + name[len(alias):]
            if not self.prefix and name == alias:
                return self.canonical
        return None


def load_aliases(path: str | Path = ALIASES_PATH) -> list[Alias]:
    """Read the aliases file; a missing file means no aliases."""
    path = Path(path)
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for e in data.get("aliases") or []:
        out.append(Alias(normalize_name(str(e["canonical"])), tuple(normalize_name(str(a)) for a in e["aliases"]),
                         e.get("from"), e.get("until"), bool(e.get("prefix")), e.get("site")))
    return out


def normalize_name(name: str, level: str | None = None) -> str:
    """A printed body name with the documented variants removed (module docstring, rule 1)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    s = _CITY_BEFORE_DISTRICT.sub("", s)
    if level == "government":
        s = _GOV_OFFICE.sub("人民政府", s)
    s = _TOWN_GOV.sub(r"\1", s)
    return s


def name_from_title(title: str | None) -> str:
    """The body named by a title such as 孟津区教育局2023年政府信息公开工作年度报告."""
    return _TITLE_TAIL.sub("", re.sub(r"\s+", "", title or ""))


def body_name(printed: str, level: str | None, year: int | None, site: str | None, aliases: list[Alias]) -> str:
    """The canonical (normalised, de-aliased) name of the body that printed ``printed`` in ``year``."""
    name = normalize_name(printed, level)
    for alias in aliases:
        canonical = alias.apply(name, year, site)
        if canonical is not None:
            return canonical
    return name


def build_bodies(db: sqlite_utils.Database, aliases: list[Alias] | None = None) -> int:
    """Link every report to its body (reports.body_id) and rebuild `bodies`; returns the body count."""
    aliases = load_aliases() if aliases is None else aliases
    codes = {r["slug"]: r["code"] for r in db.query("select slug, code from sites")}
    existing = {(r["site"] or "", r["name"]): r["id"] for r in db.query("select id, site, name from bodies")}
    members: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in db.query("select id, site, agency, title, body_level, year, first_seen from reports "
                      "where template is not null"):
        printed = r["agency"] or name_from_title(r["title"])
        if not printed:
            continue
        key = (r["site"] or "", body_name(printed, r["body_level"], r["year"], r["site"], aliases))
        members[key].append({**r, "printed": printed})
    next_id = max(existing.values(), default=0) + 1
    rows, links = [], []
    for key in sorted(members):
        reports = members[key]
        body_id = existing.get(key)
        if body_id is None:
            body_id, next_id = next_id, next_id + 1
        years = [r["year"] for r in reports if r["year"]]
        latest = max(reports, key=lambda r: (r["year"] or 0, r["id"]))
        printed = sorted({(r["printed"], r["year"]) for r in reports}, key=lambda p: (p[1] or 0, p[0]))
        names: dict[str, list[int]] = defaultdict(list)
        for name, year in printed:
            names[name].append(year)
        level = Counter(r["body_level"] for r in reports if r["body_level"]).most_common(1)
        rows.append({
            "id": body_id, "site": key[0] or None, "code": codes.get(key[0]), "name": key[1],
            "display_name": latest["printed"], "level": level[0][0] if level else None,
            "aliases": json.dumps(names, ensure_ascii=False),
            "first_year": min(years, default=None), "last_year": max(years, default=None),
            "reports": len(reports),
        })
        links += [(body_id, r["id"]) for r in reports]
    with write_transaction(db):
        db.execute("delete from bodies")
        if rows:
            db["bodies"].insert_all(rows, pk="id")
        db.execute("update reports set body_id = null")
        db.conn.executemany("update reports set body_id = ? where id = ?", links)
    return len(rows)


def find_body(db: sqlite_utils.Database, name_or_id: str) -> list[dict]:
    """Bodies matching an id, a canonical name, or a printed name (normalised the same way)."""
    if name_or_id.isdigit():
        return list(db.query("select * from bodies where id = ?", [int(name_or_id)]))
    wanted = {normalize_name(name_or_id), normalize_name(name_or_id, "government")}
    rows = [b for b in db.query("select * from bodies order by id") if b["name"] in wanted]
    if rows:
        return rows
    needle = normalize_name(name_or_id)
    return [b for b in db.query("select * from bodies order by id")
            if needle in b["name"] or needle in (b["aliases"] or "")]
