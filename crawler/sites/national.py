"""The national registry: every administrative unit and its portal, from ``sites/national.csv``.

The file is generated from two public lists of government websites by
``nianbao sites build-national`` (crawler.sites.national_build; sources named in
docs/registry.md). A row knows where a unit's portal is and how far to trust
that (``source``, ``agree``, the two lists' own URLs), but nothing about its
年报 columns: a unit becomes crawlable only through a curated or discovered
entry in a ``sites/*.yaml`` file (crawler.sites.units joins the two).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from pathlib import Path

from crawler.exceptions import RegistryError

#: Tiers of the 行政区划: ``district`` and ``county`` together are the county level.
UNIT_LEVELS = ("province", "city", "district", "county")
COUNTY_LEVELS = ("district", "county")


@dataclass(frozen=True)
class NationalUnit:
    """One row of sites/national.csv: a unit, its portal and where each fact came from."""

    code: str
    name: str
    level: str  # province | city | district | county
    province_code: str
    province: str
    city_code: str  # "" when the unit sits directly under its province
    city: str
    portal: str  # host name; "" when neither list knows one
    portal_url: str
    source: str  # portals.csv `source`, verbatim: how far to trust `portal`
    agree: str  # portals_both.csv `agree`: same | differ | anyi_missing | …
    candidates: str  # other hosts named by the lists, ';'-separated, when they disagree
    qianxian_url: str  # the unit's URL in the first list (DiamonWoo/Laosheng.top qianxian.md)
    anyi_url: str  # the unit's URL in the second list (anyi-econ/china-public-debt)
    xxgk_kind: str  # xxgk_entries.csv `kind`: xxgk_entry | policy_column | ""
    xxgk_url: str
    xxgk_note: str

    @property
    def county_level(self) -> bool:
        """True for districts and counties (县级: 市辖区, 县, 县级市, 旗, 林区, 特区 …)."""
        return self.level in COUNTY_LEVELS

    @property
    def xxgk_entry(self) -> str:
        """The 政府信息公开 entry page when the third-party scan found one, else ""."""
        return self.xxgk_url if self.xxgk_kind == "xxgk_entry" else ""

    @property
    def candidate_hosts(self) -> list[str]:
        """The other hosts the two lists name for this unit."""
        return [h for h in self.candidates.split(";") if h]


FIELDNAMES = [f.name for f in fields(NationalUnit)]


def read_csv_rows(path: Path, required: tuple[str, ...] | list[str], what: str) -> list[dict[str, str]]:
    """A CSV's rows with stripped values; a missing file or column raises RegistryError naming the file."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = [field for field in required if field not in (reader.fieldnames or [])]
            if missing:
                raise RegistryError(f"{path}: not {what} (missing column(s) {', '.join(missing)})")
            return [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    except OSError as e:
        raise RegistryError(f"{path}: cannot read {what} ({e.strerror or e})") from e


def load_national(path: str | Path) -> dict[str, NationalUnit]:
    """Read sites/national.csv into code → unit; a malformed file raises RegistryError naming it."""
    path = Path(path)
    units: dict[str, NationalUnit] = {}
    for line, row in enumerate(read_csv_rows(path, FIELDNAMES, "a national registry"), start=2):
        unit = NationalUnit(**{field: row.get(field, "") for field in FIELDNAMES})
        if len(unit.code) != 6 or not unit.code.isdigit():
            raise RegistryError(f"{path}: line {line}: code must be 6 digits (got {unit.code!r})")
        if unit.level not in UNIT_LEVELS:
            raise RegistryError(f"{path}: line {line} ({unit.code}): unknown level {unit.level!r}")
        if unit.code in units:
            raise RegistryError(f"{path}: line {line}: duplicate code {unit.code}")
        units[unit.code] = unit
    return units


def write_national(units: list[NationalUnit], path: str | Path) -> None:
    """Write units as CSV (sorted by code, so a rebuild from the same lists gives the same bytes)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDNAMES, lineterminator="\n")
        writer.writeheader()
        for unit in sorted(units, key=lambda u: u.code):
            writer.writerow({field: getattr(unit, field) for field in FIELDNAMES})


def site_domain(host: str) -> str:
    """The registrable part of a host: kaihua.gov.cn for zwgk.kaihua.gov.cn, ly.com.cn for www.ly.com.cn, ly.com for www.ly.com."""
    labels = host.lower().split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in ("gov", "org", "com", "edu", "net") and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])
