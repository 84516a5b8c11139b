"""Named errors. The CLI turns each into one line naming the file or URL, and exit 1."""


class NianbaoError(Exception):
    """Base of every error nianbao raises on purpose."""


class ExtractError(NianbaoError):
    """A document could not be read (raised by crawler.extract): names the file and the reason."""


class RegistryError(NianbaoError):
    """The site registry is malformed (raised by crawler.sites.registry)."""


class ArchiveError(NianbaoError):
    """A WARC file or the documents table is unreadable (raised by crawler.archive.warc)."""


class CrawlFailed(NianbaoError):
    """A crawl finished but a site alarmed (raised by crawler.crawl.runner)."""


class ArchiveBusy(NianbaoError):
    """Another process held archive.db's write lock for longer than the busy timeout (exit 75)."""


class PayloadTooLarge(ArchiveError):
    """An archived body that would decompress past the download cap (a gzip bomb, or just too big)."""
