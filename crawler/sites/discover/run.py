"""Discovery over many portals, resumable: a finished site is not asked again, an unfinished one
continues from the answers it already has."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crawler.sites.check import Fetcher
from crawler.sites.discover.entry import DiscoveryState, Portal, entry_for
from crawler.sites.discover.fetch import PoliteFetcher
from crawler.sites.discover.walk import Discovery, discover_site

logger = logging.getLogger(__name__)


@dataclass
class SiteOutcome:
    """One portal's discovery: the entry (None when no column was found) and what it cost."""

    portal: Portal
    discovery: Discovery | None  # None when taken from the state of an earlier run
    entry: dict | None
    resumed: bool = False  # True when the entry came from the state, no request made
    number: int = 0  # this portal's place in the run (from 1) …
    of: int = 0  # … of this many


def discover_portals(portals: Iterable[Portal], *, state: DiscoveryState | None = None, fetch: Fetcher | None = None,
                     delay: float = 1.0, max_requests: int = 30, timeout: float = 20.0, force: bool = False,
                     today: dt.date | None = None,
                     progress: Callable[[SiteOutcome], None] | None = None) -> list[SiteOutcome]:
    """Discover each portal's columns; with ``state``, keep every answer so a re-run continues."""
    state = state or DiscoveryState(None)
    portals = list(portals)
    out = []
    for number, portal in enumerate(portals, 1):
        saved = state.load(portal.the_slug)
        if saved.get("entry") and saved.get("complete") and not force:
            outcome = SiteOutcome(portal, None, saved["entry"], resumed=True)
        else:
            fetcher = PoliteFetcher(fetch, delay=delay, max_requests=max_requests, cache=saved.setdefault("pages", {}),
                                    timeout=timeout)
            try:
                found = discover_site(portal.url, fetcher, entry=portal.entry or None)
            except Exception as e:  # one portal's odd page must not end a national run; its answers are kept
                logger.exception("%s: discovery failed at %s", portal.the_slug, portal.url)
                found = Discovery(portal.url, requests=fetcher.requests, complete=False,
                                  errors={portal.url: f"discovery failed: {type(e).__name__}: {e}"})
            finally:
                state.save(portal.the_slug, saved)  # the pages fetched so far: a re-run does not ask again
            entry = entry_for(portal, found, today) if found.columns else None
            saved.update(entry=entry, complete=found.complete,
                         requests=saved.get("requests", 0) + found.requests)
            if found.complete:
                saved["pages"] = {}  # a finished site is not asked again: its pages need not be kept
            state.save(portal.the_slug, saved)
            outcome = SiteOutcome(portal, found, entry)
        outcome.number, outcome.of = number, len(portals)
        if progress:
            progress(outcome)
        out.append(outcome)
    return out
