# Two commands matter: `make run` and `make test`. Both bootstrap .venv from requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench install clean-data compose-check

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m server

test: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m pytest

bench: $(STAMP)
	cd bench/node && npm ci --no-audit --no-fund --silent
	PYTHONPATH=. $(BIN)/python -m bench.run

compose-check:
	docker-compose -f docker-compose.yml config --quiet

clean-data:
	rm -rf data
