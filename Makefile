# nianbao — every target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= archive.db
SITES ?= sites/real.yaml
# pytest-xdist workers for `make test`; a test file runs whole on one worker (its module fixtures built once),
# files in the order tests/conftest.py gives them (the longest first), not xdist's largest-file-first.
TEST_WORKERS ?= 2

.PHONY: install demo test lint crawl serve clean system-deps

$(STAMP): pyproject.toml
	@# Debian's own python3 needs python3-venv for `-m venv`: installed when the first try fails.
	$(PY) -m venv $(VENV) || { rm -rf $(VENV); SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q python3-venv && $(PY) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

APT_PACKAGES := chromium $(shell grep -v '^\s*\#' deploy/apt-packages.txt 2>/dev/null)

# Debian packages for the browser tests, attachments (LibreOffice, poppler, CJK fonts) and
# the fleet (Redis): installed only when one is missing (root, or sudo when present).
system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing; \
	fi

demo: $(STAMP)
	$(BIN)/nianbao demo --db $(DB)

crawl: $(STAMP)
	$(BIN)/nianbao crawl --db $(DB) --sites $(SITES) $(CRAWL_ARGS)

serve: $(STAMP)
	$(BIN)/nianbao serve --db $(DB)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

-include mk/*.mk

clean:
	rm -rf $(VENV) archive.db archive .pytest_cache
