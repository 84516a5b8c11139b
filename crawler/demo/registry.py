"""The demo web as a site registry (docs/architecture.md's format).

With no bases it writes the {base}/{host} placeholders of sites/demo.yaml;
with a started server's bases it writes live URLs.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import yaml

from crawler.demo.model import DemoCorpus

CHECKED = "2026-11-26"
_HEADER = ("# The embedded demo web (crawler/demo): six imitated district sites on loopback.\n"
           "# {base} and {host} are filled per site from DemoWeb.bases (crawler/sites/registry.py).\n"
           "# Regenerate: python -m crawler.demo --registry sites/demo.yaml\n")


def registry_dict(corpus: DemoCorpus, bases: dict[str, str] | None = None) -> dict:
    sites = []
    for s in corpus.sites:
        base = bases[s.slug] if bases else "{base}"
        host = urlsplit(bases[s.slug]).hostname if bases else "{host}"
        sites.append({
            "slug": s.slug,
            "name": s.name,
            "code": s.code,
            "level": s.level,
            "family": s.family,
            "allowed_domains": [host],
            "columns": [{"name": c.name, "body_level": c.body_level, "url": base + c.path} for c in s.columns],
            "settings": {},
            "source": f"demo web: {s.source}",
            "checked": CHECKED,
            "guessed": False,
        })
    return {"sites": sites}


def registry_yaml(corpus: DemoCorpus, bases: dict[str, str] | None = None) -> str:
    text = yaml.safe_dump(registry_dict(corpus, bases), allow_unicode=True, sort_keys=False, width=120)
    if bases:
        return "# The embedded demo web (crawler/demo) as served now, with live loopback URLs.\n" + text
    return _HEADER + text
