"""Settings for the embedded demo web on loopback: `nianbao demo`, the demo fleet, benchmarks.

The demo web runs on this machine, so there is no need to be gentle with it;
everything else is the production profile (crawler.settings).
"""

from crawler.settings import *  # noqa: F403

DOWNLOAD_DELAY = 0
AUTOTHROTTLE_ENABLED = False
CONCURRENT_REQUESTS_PER_DOMAIN = 4
RETRY_TIMES = 1
RETRY_BACKOFF_BASE = 0.05
RETRY_MAX_DELAY = 1.0
DOWNLOAD_TIMEOUT = 20
LOG_LEVEL = "WARNING"
