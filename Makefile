# busbaan — two commands: `make dev` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: dev test lint bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "busbaan: $(PYTHON) is nodig (zet PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[synapse,dev]'
	@touch $@

## Run the whole stack on loopback: embedded Synapse, bots, web app, demo data.
dev: $(STAMP)
	$(BIN)/busbaan dev

## Set up and run the test suite (real Synapse, SQLite and PostgreSQL).
test: $(STAMP)
	@$(BIN)/python -m pytest -q -p no:cacheprovider; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "busbaan: pytest collected no tests - the suite is broken"; exit 1; fi; \
	exit $$rc

lint: $(STAMP)
	$(BIN)/ruff check busbaan bots tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .busbaan
