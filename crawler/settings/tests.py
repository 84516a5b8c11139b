"""The test suite's crawls of the demo web: the demo pace, without per-record fsync.

A test's archive lives in a temporary folder: durability against power cuts
is tested where it matters (tests/test_crash.py kills the process, and the
page cache survives that), so the suite does not pay an fsync per WARC record.
"""

from crawler.settings.demo import *  # noqa: F403

NIANBAO_WARC_FSYNC = False
