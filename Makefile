# busbaan — two commands: `make dev` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# Debian's Chromium, driven by Playwright in tests/web (Playwright never downloads one).
CHROMIUM := /usr/bin/chromium

# matrix-js-sdk (the SDK under Element Web) for the client tests, from the committed lock.
JS := tests/clients/js

.PHONY: dev test lint bench clean browser screenshots js axe

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "busbaan: $(PYTHON) is nodig (zet PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[synapse,dev]'
	@touch $@

## Run the whole stack on loopback: embedded Synapse, bots, web app, demo data.
## `make dev ARGS=--federated`: two homeservers in a closed federation over TLS.
dev: $(STAMP)
	$(BIN)/busbaan dev $(ARGS)

## Install Debian's chromium for the browser tests when it is missing (as root, or via sudo).
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  echo "busbaan: $(CHROMIUM) ontbreekt; ik installeer Debian's chromium:"; \
	  echo "  $${SUDO:+$$SUDO }apt-get update -qq"; \
	  echo "  $${SUDO:+$$SUDO }apt-get install -y --no-install-recommends chromium"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
	  || echo "busbaan: chromium kon niet worden geïnstalleerd; de browsertests zeggen dat ze worden overgeslagen"; \
	fi

## axe-core for the accessibility tests, from the committed package-lock.json (npm ci).
## Without npm or the registry the tests that need it say they are skipped, and why.
axe:
	@if [ ! -f node_modules/axe-core/axe.min.js ]; then \
	  if command -v npm >/dev/null; then \
	    npm ci --no-audit --no-fund --loglevel=error \
	    || echo "busbaan: npm ci mislukte; de axe-toegankelijkheidstests worden overgeslagen"; \
	  else echo "busbaan: npm ontbreekt; de axe-toegankelijkheidstests worden overgeslagen"; fi; \
	fi

## Screenshots of the privacy workbench in headless Chromium, into docs/screenshots/.
screenshots: $(STAMP) browser axe
	BUSBAAN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider tests/web/test_workbench_browser.py tests/citizen/test_browser.py

## Install matrix-js-sdk for the client tests with `npm ci` (the tests skip, saying why,
## when npm cannot reach its registry).
js:
	@if command -v npm >/dev/null; then \
	  if [ ! -d $(JS)/node_modules/matrix-js-sdk ] || [ $(JS)/package-lock.json -nt $(JS)/node_modules/.package-lock.json ]; then \
	    (cd $(JS) && npm ci --no-audit --no-fund --loglevel=error) \
	    || echo "busbaan: npm ci mislukte; de matrix-js-sdk-tests zeggen dat ze worden overgeslagen"; \
	  fi; \
	else echo "busbaan: npm ontbreekt; de matrix-js-sdk-tests zeggen dat ze worden overgeslagen"; fi

## Set up and run the test suite (real Synapse, SQLite and PostgreSQL, Chromium).
test: $(STAMP) browser js axe
	@$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "busbaan: pytest collected no tests - the suite is broken"; exit 1; fi; \
	exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check busbaan bots tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .busbaan $(JS)/node_modules
