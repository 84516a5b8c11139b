"""Spider arguments (``-a NAME=VALUE`` or keyword arguments) turned into what a family spider uses.

``scrapy crawl`` passes every argument as a string, the runner passes Python
objects; both end here in one form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.exceptions import RegistryError
from crawler.sites.registry import Site, load_registry

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = "sites/real.yaml"


def load_known_urls(value: Any) -> dict[str, str | None]:
    """``known_urls`` as ``{url: list date or None}``: a dict as is; a set/list, a file of URLs or a
    comma-separated string with no dates."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(u): (str(d) if d else None) for u, d in value.items()}
    if isinstance(value, str):
        path = Path(value)
        if "\n" not in value and len(value) < 4096 and path.is_file():
            return dict.fromkeys(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                                 if line.strip())
        return dict.fromkeys(u.strip() for u in value.split(",") if u.strip())
    return dict.fromkeys(str(u) for u in value)


def parse_flag(value: Any) -> bool:
    """A yes/no argument: ``-a stop_at_known=false`` (a string) or a bool."""
    return str(value).lower() not in ("false", "0", "no")


def resolve_registry(path: str | Path) -> Path:
    """A registry path relative to the working directory, else to the project root."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return ROOT / p


def select_sites(family: str, *, registry: str | None = None, site: str | None = None,
                 sites: list[Site] | None = None) -> list[Site]:
    """The registry entries of ``family`` (only ``site`` when given); ``sites`` wins over the file."""
    registry_path = registry or DEFAULT_REGISTRY
    if sites is None:
        sites = load_registry(resolve_registry(registry_path))
    selected = [s for s in sites if s.family == family and (not site or s.slug == site)]
    if site and not selected:
        raise RegistryError(f"{registry_path}: no {family} site with slug {site!r}")
    return selected
