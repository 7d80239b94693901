# Two commands matter: `make run` and `make test`. Both bootstrap .venv from requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

BOT := $(BIN)/python bot/manage.py

.PHONY: run test web bench install system-deps clean-data compose-check moderation-eval bot bot-env bot-model bot-validate bot-eval bot-test bot-e2e

$(STAMP): requirements.lock requirements.nodeps.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -r requirements.nodeps.lock
	@touch $(STAMP)

install: $(STAMP)

# System programs the tests drive, as program:Debian-package. Browser tests run Playwright on
# Debian's /usr/bin/chromium (browser downloads fail on these machines) with CJK and emoji fonts for
# the screenshots; Redis tests start their own redis-server on random ports; the compose test runs
# Debian's docker-compose (v1) `config`; npm fetches the web client's packages.
# Present: nothing runs (no apt-get). Missing, as root with apt-get: one `apt-get update`, then
# `apt-get install` of what is missing, with services kept from starting (a temporary policy-rc.d)
# and redis-server's system service disabled: the tests never use a redis on 6379. Otherwise the
# exact command is printed and make stops.
SYSTEM_PROGRAMS ?= chromium:chromium redis-server:redis-server docker-compose:docker-compose npm:npm
# package:fc-list-pattern (the pattern is used where there is no dpkg)
SYSTEM_FONTS ?= fonts-noto-cjk:Noto.Sans.CJK fonts-noto-color-emoji:Noto.Color.Emoji

system-deps:
	@missing=; \
	for pair in $(SYSTEM_PROGRAMS); do \
	    command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	for pair in $(SYSTEM_FONTS); do \
	    if command -v dpkg-query >/dev/null 2>&1; then \
	        dpkg-query -W -f='$${Status}' "$${pair%%:*}" 2>/dev/null | grep -q ' installed$$' || missing="$$missing $${pair%%:*}"; \
	    else \
	        fc-list : family 2>/dev/null | grep -q "$${pair#*:}" || missing="$$missing $${pair%%:*}"; \
	    fi; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
	    echo "system-deps: missing Debian packages:$$missing" >&2; \
	    if command -v apt-get >/dev/null 2>&1; then \
	        echo "install them as root, then run make again:" >&2; \
	        echo "    sudo apt-get update && sudo apt-get install -y$$missing" >&2; \
	    else \
	        echo "no apt-get here: install the equivalent packages with this system's package manager" >&2; \
	    fi; \
	    exit 1; \
	fi; \
	echo "system-deps: installing$$missing"; \
	if [ ! -e /usr/sbin/policy-rc.d ]; then \
	    trap 'rm -f /usr/sbin/policy-rc.d' EXIT; \
	    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d; \
	fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq >/dev/null && apt-get install -y -qq$$missing >/dev/null || exit 1; \
	case " $$missing " in *" redis-server "*) \
	    systemctl disable redis-server >/dev/null 2>&1; update-rc.d redis-server disable >/dev/null 2>&1; \
	    service redis-server stop >/dev/null 2>&1; \
	esac; \
	exit 0

# The web client's front-end packages come from the npm registry (web/package-lock.json); their
# built files are copied into web/static/vendor, which the server serves itself (no CDN).
WEB_VENDOR := web/static/vendor/socket.io.min.js
$(WEB_VENDOR): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --silent
	mkdir -p web/static/vendor
	cp web/node_modules/socket.io-client/dist/socket.io.min.js $(WEB_VENDOR)

web: $(WEB_VENDOR)

# The platform serves at once; unless CHAT_BOT=off, the assistant starts beside it (the first
# start installs Rasa's environment and trains the model: several minutes; support goes to
# human agents until the assistant is up). bot/manage.py supervises Rasa and the action server:
# one that exits is started again with a back-off, and a `[bot] rasa exited (code N); restarting
# in Xs` line says so. CHAT_BOT_WORKERS=N runs N Rasa workers (ports 5005, 5006 …), one
# conversation always on the same one; their trackers are in data/rasa_tracker.db. Unset, `make run`
# starts 2: with one, 50 customers asking at once waited up to 6 s for a reply, with two 1.6 s
# (docs/performance.md, "The assistant's reply time"); each worker holds the model, about 1 GB.
run: $(STAMP) $(WEB_VENDOR)
	@export CHAT_BOT_WORKERS="$${CHAT_BOT_WORKERS:-2}"; \
	bot=; trap 'test -n "$$bot" && kill $$bot 2>/dev/null; wait' EXIT INT TERM; \
	if [ "$${CHAT_BOT:-on}" != "off" ]; then $(BOT) run & bot=$$!; fi; \
	PYTHONPATH=. $(BIN)/python -m server

# Everything, the real assistant included: server tests, data validation, action unit tests,
# story tests, the held-out NLU evaluation and the end-to-end test with Rasa. tests/fuzz sends 10,000
# Hypothesis payloads (fixed seed; hypothesis comes from requirements.lock): `make test SHOPCHAT_FUZZ_EXAMPLES=N`
# sends N.
test: system-deps $(STAMP) bot-model $(WEB_VENDOR)
	SHOPCHAT_BOT_E2E=1 SHOPCHAT_BROWSER_E2E=1 SHOPCHAT_REDIS_E2E=1 PYTHONPATH=. $(BIN)/python -m pytest
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate_pictures
	$(BOT) validate
	$(BOT) test
	$(BOT) eval
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations.yml --floor $(BOT_CONVERSATIONS_FLOOR)
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations2.yml --floor $(BOT_CONVERSATIONS2_FLOOR)
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations3.yml --floor $(BOT_CONVERSATIONS3_FLOOR)

# recall on violations and false positives on clean shop talk (tests/moderation/eval_set.tsv)
moderation-eval: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate_pictures

bot: $(STAMP)
	$(BOT) run

bot-env: $(STAMP)
	$(BOT) env

bot-model: $(STAMP)
	$(BOT) train

bot-validate: $(STAMP)
	$(BOT) validate

# The held-out sentences (intent accuracy per set; goal 97%, fails below 90%) and the held-out whole
# conversations with the real assistant, scored per turn (goal 95% of turns; fails below the floor: a
# held-out miss is a finding to report, not a number to tune to). Both sets were written blind.
BOT_CONVERSATIONS_FLOOR ?= 0.8
# held-out set 2 (written blind 2026-12-04; first run 83/99, read since; 95/99 late that day): a floor against a fall, not the goal (95%)
BOT_CONVERSATIONS2_FLOOR ?= 0.85
# held-out set 3 (written blind 2026-12-04 late, after the day's bot work; first run 75/100): a floor against a fall
BOT_CONVERSATIONS3_FLOOR ?= 0.70
bot-eval: $(STAMP) bot-model
	$(BOT) eval
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations.yml --floor $(BOT_CONVERSATIONS_FLOOR)
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations2.yml --floor $(BOT_CONVERSATIONS2_FLOOR)
	PYTHONPATH=. $(BIN)/python -m scripts.bot_conversations bot/eval/conversations3.yml --floor $(BOT_CONVERSATIONS3_FLOOR)

bot-test: $(STAMP)
	$(BOT) test

bot-e2e: $(STAMP) bot-model
	SHOPCHAT_BOT_E2E=1 PYTHONPATH=. $(BIN)/python -m pytest tests/e2e

bench: system-deps $(STAMP)
	cd bench/node && npm ci --no-audit --no-fund --silent
	PYTHONPATH=. $(BIN)/python -m bench.run

# Validates docker-compose.yml (Debian's docker-compose v1). The two secrets it requires get
# placeholders when unset: this checks the file, `docker compose up` still needs them in .env.
compose-check:
	CHAT_SECRET="$${CHAT_SECRET:-placeholder}" CHAT_BOT_SECRET="$${CHAT_BOT_SECRET:-placeholder}" \
	    docker-compose -f docker-compose.yml config --quiet

clean-data:
	rm -rf data
