"""The site registry: ``sites/*.yaml`` loaded into :class:`Site` objects.

A registry file is a mapping with one key, ``sites``, holding a list of
entries (see docs/architecture.md for the format). Demo registries use two
placeholders that :func:`load_registry` fills from ``bases`` (slug → live base
URL such as ``http://127.0.0.12:41234``):

* ``{base}`` – the base URL, scheme and port included;
* ``{host}`` – the host name alone (Scrapy's ``allowed_domains`` takes no port).

Every entry is validated; the first problem raises
:class:`~crawler.exceptions.RegistryError` naming the file, the entry and the
reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawler.exceptions import RegistryError
from crawler.spiders.items import BODY_LEVELS

FAMILIES = ("trs", "hanweb", "gkmlpt", "dateid", "jhtml", "generic")
LEVELS = ("province", "city", "district", "county")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
CODE_RE = re.compile(r"^\d{6}$")


@dataclass
class Column:
    """One list page (栏目) that holds reports of one kind of body."""

    name: str
    url: str
    body_level: str = "government"


TRUSTS = ("verified", "discovered", "guessed")


@dataclass
class Evidence:
    """Where a column was seen: the URL found, the link text it was found under, the page it sat on."""

    url: str
    link_text: str | None = None
    page: str | None = None
    recognised_by: str | None = None  # discovery: what the page showed, or that it was not fetched


@dataclass
class Site:
    """One registry entry: a government site and its report columns."""

    slug: str
    name: str
    code: str
    level: str
    family: str
    columns: list[Column]
    allowed_domains: list[str]
    settings: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    checked: str | None = None
    guessed: bool = False
    registry: str | None = None  # the file this entry came from
    evidence: list[Evidence] = field(default_factory=list)
    discovered: str | None = None  # date `nianbao sites discover` found the columns
    portal: str | None = None  # the homepage discovery starts from (sites check re-discovers from it)

    @property
    def trust(self) -> str:
        """verified (seen, with evidence or curated by hand), discovered (found from the portal), or guessed."""
        if self.guessed:
            return "guessed"
        return "discovered" if self.discovered else "verified"

    @property
    def evidence_url(self) -> str | None:
        """The first evidence URL (what `nianbao sites list` shows), if any."""
        return self.evidence[0].url if self.evidence else None

    @property
    def start_urls(self) -> list[str]:
        """The column URLs, in registry order."""
        return [c.url for c in self.columns]

    @property
    def province_code(self) -> str:
        """The 2-digit province part of the 行政区划代码, padded to 6 digits."""
        return self.code[:2] + "0000"

    @property
    def city_code(self) -> str:
        """The 4-digit prefecture part of the 行政区划代码, padded to 6 digits."""
        return self.code[:4] + "00"


def load_registry(path: str | Path, bases: dict[str, str] | None = None) -> list[Site]:
    """Read a registry file, fill ``{base}``/``{host}`` from ``bases`` and validate every entry."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise RegistryError(f"{path}: cannot read the registry ({e.strerror or e})") from e
    except yaml.YAMLError as e:
        raise RegistryError(f"{path}: not valid YAML ({e})") from e
    return parse_registry(raw, path, bases)


def parse_registry(raw: Any, path: str | Path, bases: dict[str, str] | None = None) -> list[Site]:
    """Validate an already-read registry mapping (``{"sites": [...]}``); ``path`` names it in errors."""
    path = Path(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("sites"), list):
        raise RegistryError(f"{path}: expected a mapping with a 'sites' list")
    sites: list[Site] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw["sites"]):
        site = _parse_entry(path, index, entry, bases or {})
        if site.slug in seen:
            raise RegistryError(f"{path}: entry {index} ({site.slug}): duplicate slug")
        seen.add(site.slug)
        sites.append(site)
    return sites


def _fail(path: Path, label: str, reason: str) -> RegistryError:
    """Build the error naming file, entry and reason."""
    return RegistryError(f"{path}: entry {label}: {reason}")


def _fill(value: str, base: str | None, host: str | None, path: Path, label: str) -> str:
    """Replace ``{base}`` and ``{host}`` in one string."""
    if "{base}" in value or "{host}" in value:
        if base is None:
            raise _fail(path, label, "uses {base}/{host} but no base URL was given for this slug")
        value = value.replace("{base}", base.rstrip("/")).replace("{host}", host or "")
    return value


def _parse_entry(path: Path, index: int, entry: Any, bases: dict[str, str]) -> Site:
    """Turn one YAML mapping into a validated :class:`Site`."""
    if not isinstance(entry, dict):
        raise _fail(path, str(index), "not a mapping")
    slug = entry.get("slug")
    label = f"{index} ({slug})" if slug else str(index)
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        raise _fail(path, label, f"slug must be lower-case ascii letters, digits, - or _ (got {slug!r})")
    for key in ("name", "code", "level", "family", "columns"):
        if entry.get(key) in (None, "", []):
            raise _fail(path, label, f"missing {key}")
    code = str(entry["code"])
    if not CODE_RE.match(code):
        raise _fail(path, label, f"code must be a 6-digit 行政区划代码 (got {entry['code']!r})")
    if entry["level"] not in LEVELS:
        raise _fail(path, label, f"unknown level {entry['level']!r} (one of {', '.join(LEVELS)})")
    if entry["family"] not in FAMILIES:
        raise _fail(path, label, f"unknown family {entry['family']!r} (one of {', '.join(FAMILIES)})")
    base = bases.get(slug)
    host = urlsplit(base).hostname if base else None
    columns = _parse_columns(path, label, entry["columns"], base, host)
    domains = entry.get("allowed_domains") or []
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        raise _fail(path, label, "allowed_domains must be a list of host names")
    domains = [_fill(d, base, host, path, label).lower() for d in domains]
    if not domains:
        raise _fail(path, label, "missing allowed_domains")
    for col in columns:
        col_host = urlsplit(col.url).hostname or ""
        if not domain_allowed(col_host, domains):
            raise _fail(path, label, f"allowed_domains {domains} do not cover column URL {col.url}")
    settings = entry.get("settings") or {}
    if not isinstance(settings, dict):
        raise _fail(path, label, "settings must be a mapping")
    checked = _date_text(entry.get("checked"))
    discovered = _date_text(entry.get("discovered"))
    evidence = _parse_evidence(path, label, entry.get("evidence"))
    return Site(
        slug=slug,
        name=str(entry["name"]),
        code=code,
        level=entry["level"],
        family=entry["family"],
        columns=columns,
        allowed_domains=domains,
        settings=settings,
        source=entry.get("source"),
        checked=checked,
        guessed=bool(entry.get("guessed", False)),
        registry=str(path),
        evidence=evidence,
        discovered=discovered,
        portal=_fill(str(entry["portal"]), base, host, path, label) if entry.get("portal") else None,
    )


def _date_text(value: Any) -> str | None:
    """A YAML date (read as datetime.date) or string as ISO text; None stays None."""
    return value.isoformat() if isinstance(value, dt.date) else _opt(value)


def _parse_evidence(path: Path, label: str, raw: Any) -> list[Evidence]:
    """The ``evidence`` list: mappings with a ``url`` and optional ``link_text`` and ``page``."""
    if raw in (None, []):
        return []
    if not isinstance(raw, list):
        raise _fail(path, label, "evidence must be a list of {url, link_text, page}")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("url"):
            raise _fail(path, label, f"evidence {i} needs a url")
        out.append(Evidence(url=str(item["url"]), link_text=_opt(item.get("link_text")), page=_opt(item.get("page")),
                            recognised_by=_opt(item.get("recognised_by"))))
    return out


def _opt(value: Any) -> str | None:
    """None or the value as text."""
    return None if value is None else str(value)


def _parse_columns(path: Path, label: str, raw: Any, base: str | None, host: str | None) -> list[Column]:
    """Validate the ``columns`` list of one entry."""
    if not isinstance(raw, list):
        raise _fail(path, label, "columns must be a list")
    columns = []
    for i, col in enumerate(raw):
        if not isinstance(col, dict) or not col.get("url"):
            raise _fail(path, label, f"column {i} needs a url")
        url = _fill(str(col["url"]), base, host, path, label)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _fail(path, label, f"column {i} url is not an absolute http(s) URL: {url}")
        body_level = col.get("body_level", "government")
        if body_level not in BODY_LEVELS:
            raise _fail(path, label, f"column {i} has unknown body_level {body_level!r} (one of {', '.join(BODY_LEVELS)})")
        columns.append(Column(name=str(col.get("name") or f"column {i}"), url=url, body_level=body_level))
    return columns


def domain_allowed(host: str, domains: list[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one (Scrapy's offsite rule)."""
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)
