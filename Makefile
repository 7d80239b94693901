# Two commands matter: `make run` and `make test`. Both bootstrap .venv from requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

BOT := $(BIN)/python bot/manage.py

.PHONY: run test web bench install clean-data compose-check moderation-eval bot bot-env bot-model bot-validate bot-eval bot-test bot-e2e

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

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
# human agents until the assistant is up).
run: $(STAMP) $(WEB_VENDOR)
	@bot=; trap 'test -n "$$bot" && kill $$bot 2>/dev/null; wait' EXIT INT TERM; \
	if [ "$${CHAT_BOT:-on}" != "off" ]; then $(BOT) run & bot=$$!; fi; \
	PYTHONPATH=. $(BIN)/python -m server

# Everything, the real assistant included: server tests, data validation, action unit tests,
# story tests, the held-out NLU evaluation and the end-to-end test with Rasa.
test: $(STAMP) bot-model $(WEB_VENDOR)
	SHOPCHAT_BOT_E2E=1 SHOPCHAT_BROWSER_E2E=1 PYTHONPATH=. $(BIN)/python -m pytest
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate
	$(BOT) validate
	$(BOT) test
	$(BOT) eval

# recall on violations and false positives on clean shop talk (tests/moderation/eval_set.tsv)
moderation-eval: $(STAMP)
	PYTHONPATH=. $(BIN)/python -m moderation.evaluate

bot: $(STAMP)
	$(BOT) run

bot-env: $(STAMP)
	$(BOT) env

bot-model: $(STAMP)
	$(BOT) train

bot-validate: $(STAMP)
	$(BOT) validate

bot-eval: $(STAMP)
	$(BOT) eval

bot-test: $(STAMP)
	$(BOT) test

bot-e2e: $(STAMP) bot-model
	SHOPCHAT_BOT_E2E=1 PYTHONPATH=. $(BIN)/python -m pytest tests/e2e

bench: $(STAMP)
	cd bench/node && npm ci --no-audit --no-fund --silent
	PYTHONPATH=. $(BIN)/python -m bench.run

compose-check:
	docker-compose -f docker-compose.yml config --quiet

clean-data:
	rm -rf data
