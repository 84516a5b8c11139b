"""The whole registry: national units (sites/national.csv) joined with the YAML entries that crawl them.

Every administrative unit of the national list is *known*: listed, counted,
and a starting point for discovery (its portal, its 政府信息公开 entry page).
Only a unit with an entry in a ``sites/*.yaml`` file — curated by hand
(``sites/real.yaml``) or written by ``nianbao sites discover`` (entries with
``discovered:`` and ``evidence:``) — has columns, and only entries are crawled.

Rules, in order:

* YAML files are read in the order given. When two files hold the same slug,
  the entry with the stronger trust wins (verified > discovered > guessed);
  on a tie the earlier file wins. The loser is kept in ``Registry.shadowed``.
* An entry overrides the national row of its code: the unit's trust is its
  best entry's, its name the entry's. The national row stays attached
  (``Unit.national``) so the portal and its provenance are never lost.
* An entry whose code is not in the national list (a development zone's
  statistical code, say) is a unit of its own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from crawler.sites.national import COUNTY_LEVELS, NationalUnit, load_national, site_domain
from crawler.sites.registry import TRUSTS, Site, load_registry

#: Trust of a unit, strongest first: an entry's trust, else whether the national list knows a portal.
UNIT_TRUSTS = (*TRUSTS, "portal-only", "no-portal")
_RANK = {t: i for i, t in enumerate(UNIT_TRUSTS)}


@dataclass
class Unit:
    """One administrative unit: its national row (if any) and the registry entries for its code."""

    code: str
    national: NationalUnit | None
    entries: list[Site] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The entry's full name when there is one, else the national list's."""
        if self.entries:
            return self.entries[0].name
        return self.national.name if self.national else self.code

    @property
    def level(self) -> str:
        """The national list's tier when known (it is authoritative for codes), else the entry's."""
        if self.national:
            return self.national.level
        return self.entries[0].level if self.entries else ""

    @property
    def portal(self) -> str:
        """The national portal host, else the first allowed domain of an entry."""
        if self.national and self.national.portal:
            return self.national.portal
        return self.entries[0].allowed_domains[0] if self.entries else ""

    @property
    def province_code(self) -> str:
        """The 2-digit province part of the code, padded."""
        return self.code[:2] + "0000"

    @property
    def trust(self) -> str:
        """The best entry's trust; portal-only / no-portal for a unit with no entry."""
        if self.entries:
            return min((e.trust for e in self.entries), key=_RANK.__getitem__)
        return "portal-only" if self.portal else "no-portal"

    @property
    def crawled(self) -> bool:
        """True when at least one entry gives the unit columns to crawl."""
        return any(e.columns for e in self.entries)


@dataclass
class Registry:
    """Entries (crawled) and units (everything known), with what was shadowed on the way."""

    entries: list[Site]
    units: dict[str, Unit]
    files: list[str]
    national_file: str | None
    shadowed: list[Site] = field(default_factory=list)

    def unit(self, code: str) -> Unit | None:
        """The unit with this 行政区划代码, if known."""
        return self.units.get(code)

    def known_only(self) -> list[Unit]:
        """Units the registry knows but cannot crawl yet (no entry with columns)."""
        return [u for u in self.units.values() if not u.crawled]


def merge_entries(files: list[list[Site]]) -> tuple[list[Site], list[Site]]:
    """Entries of several files, one per slug (stronger trust wins, then the earlier file); and the losers."""
    kept: dict[str, Site] = {}
    shadowed: list[Site] = []
    for sites in files:
        for site in sites:
            old = kept.get(site.slug)
            if old is None:
                kept[site.slug] = site
            elif _RANK[site.trust] < _RANK[old.trust]:
                kept[site.slug] = site
                shadowed.append(old)
            else:
                shadowed.append(site)
    return list(kept.values()), shadowed


def join_units(entries: list[Site], national: dict[str, NationalUnit]) -> dict[str, Unit]:
    """One Unit per code of the national list and of the entries, sorted by code."""
    units = {code: Unit(code, row) for code, row in national.items()}
    for site in entries:
        units.setdefault(site.code, Unit(site.code, None)).entries.append(site)
    return dict(sorted(units.items()))


def load_units(files: list[str | Path], national: str | Path | None,
               bases: dict[str, str] | None = None) -> Registry:
    """Read the YAML files and the national CSV (None: entries only) into one Registry."""
    loaded = [load_registry(p, bases=bases) for p in files]
    entries, shadowed = merge_entries(loaded)
    rows = load_national(national) if national is not None else {}
    return Registry(entries=entries, units=join_units(entries, rows), files=[str(p) for p in files],
                    national_file=str(national) if national is not None else None, shadowed=shadowed)


# --- counting -----------------------------------------------------------------------------------

#: How portals.csv's `source` values group (the README's table).
PORTAL_SOURCES = ("both lists agree", "lists differ, anyi kept", "lists differ, qianxian kept", "one list only",
                  "no portal")


def portal_source_group(source: str) -> str:
    """Group a national row's `source` into one of PORTAL_SOURCES."""
    if source == "qianxian+anyi":
        return "both lists agree"
    if source.startswith("anyi("):
        return "lists differ, anyi kept"
    if source.startswith("qianxian("):
        return "lists differ, qianxian kept"
    if source.endswith("_only"):
        return "one list only"
    return "no portal"


@dataclass
class ProvinceCount:
    """One province's line of the summary."""

    code: str
    name: str
    units: int = 0
    county_level: int = 0  # national rows only, like Summary.levels
    with_portal: int = 0
    trust: Counter = field(default_factory=Counter)


@dataclass
class Summary:
    """What `nianbao sites list --summary` prints."""

    levels: dict[str, tuple[int, int]]  # level -> (units, with a portal), national rows only
    trust: Counter  # unit trust -> units
    entry_trust: Counter  # entry trust -> entries
    portal_sources: Counter  # PORTAL_SOURCES group -> national rows
    provinces: list[ProvinceCount]
    outside_national: list[Unit]  # units that exist only through an entry
    foreign: list[tuple[Site, str]] = field(default_factory=list)  # see foreign_hosts

    @property
    def county_level(self) -> tuple[int, int]:
        """(county-level units, those with a portal): districts and counties together."""
        return tuple(sum(self.levels.get(lv, (0, 0))[i] for lv in COUNTY_LEVELS) for i in (0, 1))  # type: ignore[return-value]


def summarize(registry: Registry) -> Summary:
    """Count units by level, trust, portal source and province."""
    levels: dict[str, list[int]] = {}
    provinces: dict[str, ProvinceCount] = {}
    trust: Counter = Counter()
    sources: Counter = Counter()
    for unit in registry.units.values():
        trust[unit.trust] += 1
        prov = provinces.setdefault(unit.province_code, ProvinceCount(unit.province_code, ""))
        prov.units += 1
        prov.trust[unit.trust] += 1
        prov.with_portal += bool(unit.portal)
        prov.county_level += unit.national is not None and unit.national.level in COUNTY_LEVELS
        if unit.national is None:
            continue
        if unit.national.level == "province" and unit.code == unit.province_code:
            prov.name = unit.national.name
        counts = levels.setdefault(unit.national.level, [0, 0])
        counts[0] += 1
        counts[1] += bool(unit.national.portal)
        sources[portal_source_group(unit.national.source)] += 1
    return Summary(
        levels={lv: (c[0], c[1]) for lv, c in levels.items()},
        trust=trust,
        entry_trust=Counter(e.trust for e in registry.entries),
        portal_sources=sources,
        provinces=sorted(provinces.values(), key=lambda p: p.code),
        outside_national=[u for u in registry.units.values() if u.national is None],
        foreign=foreign_hosts(registry),
    )


# --- cross-checks -------------------------------------------------------------------------------

def foreign_hosts(registry: Registry) -> list[tuple[Site, str]]:
    """Entries none of whose hosts the national list gives to their unit, its city or its province.

    A hit is worth reading: 宜阳县's entry named www.yiyang.gov.cn, which both lists give to 益阳市,
    and 黔江区's named cqqj.gov.cn, 綦江区's portal. Returns (entry, the national portal it was checked
    against); entries whose code is not in the national list are not checked.
    """
    out = []
    for site in registry.entries:
        unit = registry.unit(site.code)
        if unit is None or unit.national is None:
            continue
        national = unit.national
        known = {national.portal, *national.candidate_hosts}
        for parent in (national.city_code, national.province_code):
            row = registry.unit(parent) if parent and parent != national.code else None
            if row is not None and row.national is not None and row.national.portal:
                known.add(row.national.portal)
        known_sites = {site_domain(h) for h in known if h}
        if not {site_domain(d) for d in site.allowed_domains} & known_sites:
            out.append((site, national.portal or "-"))
    return out
