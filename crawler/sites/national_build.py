"""Build sites/national.csv from the public lists in ``../shared/registry`` (``nianbao sites build-national``).

Three input files, all keyed by the 6-digit 行政区划代码:

* ``portals.csv`` (code, name, domain, source): the portal host chosen for each
  unit and ``source``, how far to trust it (``qianxian+anyi`` when both lists
  agree; ``anyi(...)`` / ``qianxian(...)`` when they differ and one was kept;
  ``qianxian_only``; ``none``).
* ``portals_both.csv`` (code, name, level, anyi_path, qianxian_url, anyi_url,
  agree): both lists side by side, for the tier, the province/city path and the
  hosts the lists disagree on.
* ``xxgk_entries.csv`` (code, path, kind, url, note): a 政府信息公开 entry page
  or a policy column per unit, found by a third-party scan.

Every value is copied with its provenance; nothing is fetched. The same inputs
always give the same bytes (rows sorted by code).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.exceptions import RegistryError
from crawler.sites.national import NationalUnit, read_csv_rows, write_national

INPUTS = ("portals.csv", "portals_both.csv", "xxgk_entries.csv")
_DIFFERS_RE = re.compile(r"differs:([^)\s]+)")


def _rows(path: Path, key_columns: tuple[str, ...]) -> list[dict[str, str]]:
    """One source list's rows; a missing file or column raises RegistryError naming the file."""
    return read_csv_rows(path, key_columns, "a portal list")


def _by_code(path: Path, key_columns: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """One CSV as code → row; every row needs a code of its own."""
    rows: dict[str, dict[str, str]] = {}
    for line, row in enumerate(_rows(path, key_columns), start=2):
        code = row.get("code", "")
        if not code or code in rows:
            raise RegistryError(f"{path}: line {line}: {'duplicate' if code else 'missing'} code {code}".rstrip())
        rows[code] = row
    return rows


def _xxgk_by_code(path: Path, both: dict[str, dict[str, str]], names: dict[str, str]) -> tuple[dict, list[str]]:
    """xxgk_entries.csv as code → row. A row without a code is matched by its path (the second list's
    province/city/county path), else by a unit name that occurs once; the rest are returned unmatched."""
    by_path = {r["anyi_path"]: c for c, r in both.items() if r.get("anyi_path")}
    by_name: dict[str, list[str]] = {}
    for code, name in names.items():
        by_name.setdefault(name, []).append(code)
    out: dict[str, dict[str, str]] = {}
    unmatched: list[str] = []
    for row in _rows(path, ("code", "path", "kind", "url", "note")):
        code = row["code"]
        if not code:
            last = row["path"].rsplit("/", 1)[-1]
            code = by_path.get(row["path"]) or (by_name[last][0] if len(by_name.get(last, [])) == 1 else "")
        if not code:
            unmatched.append(row["path"])
        elif code not in out:
            out[code] = row
    return out, unmatched


def host_of(url: str) -> str:
    """The lower-case host of a URL or bare host name ("" for an empty value)."""
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"http://{url}")
    return (parts.hostname or "").lower()


def _level(tier: str, name: str) -> str:
    """portals_both ``level`` → registry level: prefecture → city; county-level 区 → district."""
    if tier == "province":
        return "province"
    if tier == "prefecture":
        return "city"
    return "district" if name.endswith("区") else "county"


def _candidates(portal: str, source: str, both: dict[str, str]) -> str:
    """The other hosts the lists give when they disagree (``agree`` not ``same``), ';'-joined."""
    if both.get("agree", "same") == "same" and source == "qianxian+anyi":
        return ""
    hosts = [host_of(both.get("qianxian_url", "")), host_of(both.get("anyi_url", ""))]
    hosts += [host_of(m) for m in _DIFFERS_RE.findall(source)]
    out: list[str] = []
    for h in hosts:
        if h and h != portal and h not in out:
            out.append(h)
    return ";".join(out)


def _portal_url(portal: str, both: dict[str, str]) -> str:
    """The portal's root URL, with the scheme the list that names this host used (the HTTP-checked one first)."""
    if not portal:
        return ""
    for key in ("anyi_url", "qianxian_url"):
        url = both.get(key, "")
        if url and host_of(url) == portal:
            return f"{urlsplit(url).scheme or 'http'}://{portal}/"
    return f"http://{portal}/"


@dataclass
class NationalBuild:
    """What a build produced: the units, and the xxgk rows no unit could be matched to."""

    units: list[NationalUnit]
    unmatched_xxgk: list[str]


def build_national(shared: str | Path) -> NationalBuild:
    """Join the three lists in ``shared`` (../shared/registry) into one NationalUnit per code."""
    shared = Path(shared)
    portals = _by_code(shared / "portals.csv", ("code", "name", "domain", "source"))
    both = _by_code(shared / "portals_both.csv",
                    ("code", "level", "anyi_path", "qianxian_url", "anyi_url", "agree"))
    xxgk, unmatched = _xxgk_by_code(shared / "xxgk_entries.csv", both,
                                    {c: r["name"] for c, r in portals.items()})
    missing = sorted(set(portals) - set(both))
    if missing:
        raise RegistryError(f"{shared / 'portals_both.csv'}: no row for code(s) {', '.join(missing[:5])}")
    units = []
    for code, row in portals.items():
        pair = both[code]
        name = row["name"]
        level = _level(pair["level"], name)
        portal = host_of(row["domain"])
        province_code = code[:2] + "0000"
        city_code = code if level == "city" else ""
        if level in ("district", "county"):
            parent = code[:4] + "00"
            if parent != province_code and parent in portals:
                city_code = parent
        entry = xxgk.get(code, {})
        units.append(NationalUnit(
            code=code,
            name=name,
            level=level,
            province_code=province_code,
            province=portals.get(province_code, {}).get("name", ""),
            city_code=city_code,
            city=portals[city_code]["name"] if city_code else "",
            portal=portal,
            portal_url=_portal_url(portal, pair),
            source=row["source"],
            agree=pair["agree"],
            candidates=_candidates(portal, row["source"], pair),
            qianxian_url=pair["qianxian_url"],
            anyi_url=pair["anyi_url"],
            xxgk_kind=entry.get("kind", ""),
            xxgk_url=entry.get("url", ""),
            xxgk_note=entry.get("note", ""),
        ))
    return NationalBuild(units=units, unmatched_xxgk=unmatched)


def build_national_file(shared: str | Path, out: str | Path) -> NationalBuild:
    """Build from ``shared`` and write ``out``; returns what was written."""
    build = build_national(shared)
    write_national(build.units, out)
    return build
