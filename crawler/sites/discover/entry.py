"""Discovery results as registry entries, the portals discovery starts from, and the resume state.

A portal list is ``sites/national.csv`` (``portal_url``, ``level`` and the
政府信息公开 entry ``xxgk_url`` of every unit), any CSV with ``code,name,domain``
(``../shared/registry/portals.csv``), or a registry YAML whose entries carry
``portal``. The entry written is the registry format of docs/architecture.md
with ``discovered`` (the date), ``portal``, and ``evidence``: one item per
column, its URL, the link text and the page it was found from.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from crawler.exceptions import RegistryError
from crawler.sites.discover.walk import Discovery
from crawler.sites.national import FIELDNAMES, load_national, site_domain


@dataclass(frozen=True)
class Portal:
    """Where discovery starts for one unit."""

    code: str
    name: str
    url: str
    slug: str = ""
    level: str = ""
    source: str = ""
    entry: str = ""  # a 政府信息公开 entry page already known (xxgk_entries.csv), walked first

    @property
    def the_slug(self) -> str:
        return self.slug or self.code

    @property
    def the_level(self) -> str:
        if self.level:
            return self.level
        if self.code.endswith("0000"):
            return "province"
        if self.code.endswith("00"):
            return "city"
        return "district" if re.sub(r"人民政府$", "", self.name).endswith("区") else "county"


def _portal_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    return value if re.match(r"https?://", value) else f"http://{value.strip('/')}/"


def load_portals(path: str | Path) -> list[Portal]:
    """The portals of a CSV (code,name,domain|portal[,slug,level,source]) or a registry YAML with ``portal``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise RegistryError(f"{path}: cannot read the portal list ({e.strerror or e})") from e
    if path.suffix.lower() in (".yaml", ".yml"):
        raw = yaml.safe_load(text) or {}
        rows = raw.get("sites") if isinstance(raw, dict) else None
        if not isinstance(rows, list):
            raise RegistryError(f"{path}: expected a mapping with a 'sites' list")
        return [Portal(str(r["code"]), str(r.get("name", "")), _portal_url(str(r["portal"])), str(r.get("slug", "")),
                       str(r.get("level", "")), str(r.get("source", "")))
                for r in rows if isinstance(r, dict) and r.get("portal") and r.get("code")]
    header = next(csv.reader(text.splitlines()[:1]), [])
    if set(FIELDNAMES) <= set(header):  # sites/national.csv: read as the registry reads it
        return [Portal(u.code, u.name, u.portal_url, level=u.level, source=u.source,
                       entry=u.xxgk_entry if u.xxgk_entry and _same_site(u.xxgk_entry, u.portal_url) else "")
                for u in load_national(path).values() if u.portal_url]
    out = []
    for i, row in enumerate(csv.DictReader(text.splitlines()), 2):
        url = _portal_url(row.get("portal") or row.get("domain") or "")
        code = (row.get("code") or "").strip()
        if not re.fullmatch(r"\d{6}", code):
            raise RegistryError(f"{path}: line {i}: code must be 6 digits (got {code!r})")
        if url:
            out.append(Portal(code, (row.get("name") or "").strip(), url, (row.get("slug") or "").strip(),
                              (row.get("level") or "").strip(), (row.get("source") or "").strip()))
    return out


def _same_site(a: str, b: str) -> bool:
    """Both URLs on one site's domain (an entry page on another site's host is not this portal's)."""
    return site_domain(urlsplit(a).hostname or "") == site_domain(urlsplit(b).hostname or "")


def select_portals(portals: list[Portal], codes: tuple[str, ...] = (), provinces: tuple[str, ...] = (),
                   everything: bool = False) -> list[Portal]:
    """The portals asked for: by code, by 2-digit province prefix, or all."""
    if everything:
        return portals
    return [p for p in portals if p.code in codes or p.the_slug in codes or p.code[:2] in provinces]


def entry_for(portal: Portal, found: Discovery, today: dt.date | None = None) -> dict:
    """The registry entry of a discovered site (docs/architecture.md, "Registry format")."""
    return {
        "slug": portal.the_slug,
        "name": portal.name,
        "code": portal.code,
        "level": portal.the_level,
        "family": found.family,
        "allowed_domains": found.hosts,
        "portal": found.portal,
        "columns": [{"name": c.name, "body_level": c.body_level, "url": c.url} for c in found.columns],
        # how each column was recognised: its list's CMS, or "like its N sibling columns (not fetched …)"
        "evidence": [{"url": c.url, "link_text": c.text, "page": c.page, "recognised_by": c.sign}
                     for c in found.columns],
        "settings": {},
        "source": f"discovered from the portal {found.portal}" + (f" ({portal.source})" if portal.source else ""),
        "discovered": (today or dt.date.today()).isoformat(),
        "guessed": False,
    }


def write_entries(path: str | Path, entries: list[dict]) -> Path:
    """Write entries to a registry file, replacing those with the same slug and keeping the rest."""
    path = Path(path)
    existing: list[dict] = []
    if path.exists():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        existing = list(raw.get("sites") or []) if isinstance(raw, dict) else []
    new = {e["slug"]: e for e in entries}
    merged = [new.pop(e.get("slug"), e) for e in existing] + list(new.values())
    header = "# Registry entries found by `nianbao sites discover` (crawler/sites/discover).\n"
    path.write_text(header + yaml.safe_dump({"sites": merged}, allow_unicode=True, sort_keys=False, width=120),
                    encoding="utf-8")
    return path


class DiscoveryState:
    """Resume state in a folder: one JSON per site with every answer fetched and, once finished, the entry."""

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder else None
        if self.folder:
            self.folder.mkdir(parents=True, exist_ok=True)

    def _file(self, slug: str) -> Path | None:
        return self.folder / f"{slug}.json" if self.folder else None

    def load(self, slug: str) -> dict:
        f = self._file(slug)
        if f is None or not f.exists():
            return {"pages": {}, "entry": None}
        try:
            return json.loads(f.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {"pages": {}, "entry": None}  # a torn state file: start that site again

    def save(self, slug: str, state: dict) -> None:
        f = self._file(slug)
        if f is not None:
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
            tmp.replace(f)
