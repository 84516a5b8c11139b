"""Discovery: from a government portal to its 年报 columns, as a registry entry.

``discover_site(portal, fetcher)`` walks a portal politely (robots.txt, a
pause per host, a budget of requests per site): it finds the 政府信息公开
entry, walks the 信息公开 tree to every 年报 column (the government's own,
departments', towns'/streets', zones'), recognises the CMS family from the
pages, and returns the columns with the page and link text each was found
from. ``entry_for`` turns the result into a registry entry
(docs/architecture.md, "Registry format"). ``nianbao sites discover`` is the
command; ``nianbao sites check`` re-discovers when a known column fails.
"""

from crawler.sites.discover.entry import entry_for
from crawler.sites.discover.fetch import PoliteFetcher
from crawler.sites.discover.walk import Discovery, FoundColumn, discover_site

__all__ = ["Discovery", "FoundColumn", "PoliteFetcher", "discover_site", "entry_for"]
