# Fleet crawling: N workers on Redis, one writer of archive.db (docs/scale.md).
WORKERS ?= 2
FLEET_DB ?= fleet-demo.db

.PHONY: demo-fleet writer bench-fleet redis-server

# `make crawl REDIS=redis://HOST:PORT/N`: the same crawl, as one worker of the fleet on that Redis.
ifdef REDIS
crawl: export NIANBAO_REDIS = $(REDIS)
endif

# redis-server (Debian's, in deploy/apt-packages.txt), installed with the other system packages if missing.
redis-server:
	@command -v redis-server >/dev/null 2>&1 || $(MAKE) system-deps

# A writer and WORKERS workers against the demo web on this machine (own redis-server, temp dir).
demo-fleet: $(STAMP) redis-server
	$(BIN)/python -m crawler.fleet demo --workers $(WORKERS) --db $(FLEET_DB)

# The one writer of DB for the fleet on REDIS (a service in production: deploy/nianbao-writer.service).
writer: $(STAMP)
	$(BIN)/nianbao writer --redis $(REDIS) --db $(DB)

# Scaling, duplicate fetches, writer rate, worker overhead and memory (takes a few minutes).
bench-fleet: $(STAMP) redis-server
	$(BIN)/python bench/fleet.py
