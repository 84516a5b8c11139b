# nianbao — every target installs what it needs first.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DB ?= archive.db
SITES ?= sites/real.yaml

.PHONY: install demo test lint crawl serve clean system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Debian packages the browser tests need (root, or sudo when present).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium fonts-noto-cjk; \
	fi

demo: $(STAMP)
	$(BIN)/nianbao demo --db $(DB)

crawl: $(STAMP)
	$(BIN)/nianbao crawl --db $(DB) --sites $(SITES)

serve: $(STAMP)
	$(BIN)/nianbao serve --db $(DB)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) archive.db archive .pytest_cache
