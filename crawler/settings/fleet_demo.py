"""A fleet of workers on the demo web: the demo pace, and short leases so faults heal quickly."""

from crawler.settings.demo import *  # noqa: F403

NIANBAO_FLEET_LEASE = 8
NIANBAO_FLEET_WORKER_TTL = 6
NIANBAO_FLEET_SLOT_TTL = 4
NIANBAO_WARC_FSYNC = False
