# Opinia – the two commands of the contract:
#   make run    install everything, migrate, seed demo data if empty, serve on http://127.0.0.1:5000
#   make test   install everything and run the whole test suite (SQLite, and PostgreSQL if TEST_DATABASE_URL is set)
VENV    := .venv
PYTHON  := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app app
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

.PHONY: run test system-deps bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

system-deps:
	bash scripts/install-system-deps.sh

run: system-deps $(STAMP)
	$(FLASK) init-db
	$(FLASK) survey-url --seed-if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: system-deps $(STAMP) node_modules/.installed
	bash scripts/run-tests.sh
