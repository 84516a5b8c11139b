"""Scrapy settings for nianbao: polite by default (district servers are small).

Scrapy's default is noted beside each override. The CLI (crawler/crawl/runner.py)
sets NIANBAO_DB and, for the demo web on loopback, lifts the delays.
"""

import os

from crawler import __version__

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are, and how to reach us (default: Scrapy/VERSION (+https://scrapy.org)).
# NIANBAO_CONTACT_URL in the environment names the operator's page instead; `nianbao crawl --user-agent` wins.
NIANBAO_CONTACT_URL = os.environ.get("NIANBAO_CONTACT_URL") or "https://github.com/nianbao/nianbao"
USER_AGENT = f"nianbao/{__version__} (+{NIANBAO_CONTACT_URL}; open-government annual report archive)"

ROBOTSTXT_OBEY = True  # default False in the project template
CONCURRENT_REQUESTS = 16  # default 16: across all sites
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # default 8
DOWNLOAD_DELAY = 2.0  # default 0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 % around DOWNLOAD_DELAY (default 0.5)
AUTOTHROTTLE_ENABLED = True  # default False
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60  # default 180
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024  # default 1 GiB: a report is at most a few MB
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3  # default 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10  # default 20: redirect loops end sooner
COOKIES_ENABLED = True  # some WAFs hand out a cookie on a 302
TELNETCONSOLE_ENABLED = False  # default True
LOG_LEVEL = "INFO"  # default DEBUG
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

DOWNLOADER_MIDDLEWARES = {
    # Above RedirectMiddleware (600) and HttpCompressionMiddleware (590): the WARC
    # keeps every redirect and the bytes as served (scrapy#1988).
    "crawler.crawl.middlewares.ArchiveMiddleware": 950,
    # Just below the archive: WAF challenges are archived but never reach a spider.
    "crawler.crawl.middlewares.SiteHealthMiddleware": 940,
    # Redirects to itself, to file:, to loopback/private/link-local hosts: counted, not followed.
    "crawler.crawl.guards.RedirectGuardMiddleware": 610,
    # Scrapy's capped decompression, with a body inflating past DOWNLOAD_MAXSIZE counted as too_large.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.crawl.guards.CountedHttpCompressionMiddleware": 590,
    # Retries that wait (Retry-After, else exponential backoff) instead of Scrapy's immediate ones.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.crawl.middlewares.PoliteRetryMiddleware": 550,
}
RETRY_BACKOFF_BASE = 1.0  # seconds; doubled at each attempt
RETRY_MAX_DELAY = 60.0  # cap on any wait, Retry-After included
EXTENSIONS = {
    # `scrapy crawl FAMILY` records its run (crawl_runs, crawl_sites, alarms) as `nianbao crawl` does.
    "crawler.crawl.extensions.CrawlRunExtension": 500,
}
ITEM_PIPELINES = {
    "crawler.crawl.pipelines.ReportPipeline": 300,
    "crawler.crawl.incremental.ListDatePipeline": 310,  # the list date, so the next crawl can skip the report
}

# nianbao's own settings.
NIANBAO_DB = None  # path of archive.db; the pipeline and archive are off without it
NIANBAO_ARCHIVE_DIR = None  # default: archive/ beside archive.db
NIANBAO_WARC_MAX_BYTES = 256 * 1024 * 1024
NIANBAO_WARC_FSYNC = True
NIANBAO_CONDITIONAL_GET = True
NIANBAO_REGISTRY = "sites/real.yaml"
NIANBAO_INCREMENTAL = True  # `scrapy crawl`: skip known reports whose list date is unchanged (False: `--full`)
NIANBAO_RECORD_RUN = True  # the extension records the run; the runner sets False (it records its own)
