# Opinia – the two commands of the contract:
#   make run    install everything, migrate, seed demo data if empty, serve on http://127.0.0.1:5000
#   make test   install everything and run the whole test suite (SQLite, and PostgreSQL if TEST_DATABASE_URL is set)
VENV    := .venv
PYTHON  := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app app
STAMP   := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)

.PHONY: run test system-deps bench lock plotly-bundle check-plotly-bundle

# Re-pins every dependency (transitive ones too) from requirements.in / requirements-dev.in.
lock:
	python3 -m venv /tmp/opinia-pip-tools && /tmp/opinia-pip-tools/bin/pip install --quiet pip-tools==7.6.2
	/tmp/opinia-pip-tools/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	/tmp/opinia-pip-tools/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt -r requirements-dev.txt
	$(VENV)/bin/pip check
	rm -f $(VENV)/.installed-* && touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

# Plotly's partial bundle (static/vendor/plotly-opinia.min.js, committed: installing Opinia needs no JavaScript
# tooling) is built from plotly.js and esbuild pinned in scripts/plotly-bundle/package-lock.json.
plotly-bundle:
	sh scripts/plotly-bundle/build.sh

check-plotly-bundle:
	sh scripts/plotly-bundle/build.sh test-output/plotly-opinia.min.js
	cmp test-output/plotly-opinia.min.js static/vendor/plotly-opinia.min.js

MO_FILES := translations/en/LC_MESSAGES/messages.mo translations/pl/LC_MESSAGES/messages.mo

# Compiled catalogues are build products (not in git): made from the .po files on every install.
translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(VENV)/bin/pybabel compile -d translations -l $*

system-deps:
	bash scripts/install-system-deps.sh

run: system-deps $(STAMP) $(MO_FILES)
	$(FLASK) init-db
	$(FLASK) survey-url --seed-if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

# node_modules: axe-core, injected into pages by the browser tests.
test: system-deps $(STAMP) $(MO_FILES) node_modules/.installed check-plotly-bundle
	bash scripts/run-tests.sh
