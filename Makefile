# Everything a fresh clone needs: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve lint test test-php test-fallback install browser index golden bench bench-quick bench-relevance bench-semantic bench-analysis bench-load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# One server process per core (gunicorn when there are several).
serve: $(STAMP)
	$(BIN)/poisk serve --workers $$(nproc 2>/dev/null || echo 1)

index: $(STAMP)
	$(BIN)/poisk index

# The widget's tests run in Debian's Chromium (driven by Playwright) with axe-core from npm; the
# rate-limit tests start a real Redis server. Debian packages are installed when missing (as root).
BROWSER_DEPS := tests/browser/node_modules/axe-core/axe.min.js
$(BROWSER_DEPS): tests/browser/package.json tests/browser/package-lock.json
	command -v chromium >/dev/null && command -v redis-server >/dev/null || \
	  { apt-get update -qq && apt-get install -y -qq chromium redis-server >/dev/null; }
	npm ci --prefix tests/browser --no-audit --no-fund --silent
	touch $@

browser: $(BROWSER_DEPS)

# Lint and format check first (ruff, configured in pyproject.toml), then the whole suite.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(STAMP) $(BROWSER_DEPS) lint
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-php

# The Grav plugin (integrations/grav/, PHP): `php -l` on every file, then PHPUnit against a real `poisk serve`.
# Debian's PHP, its extensions, Twig and PHPUnit are installed when missing (as root), like Chromium.
PHP_DEPS := /usr/share/php/Twig/autoload.php
$(PHP_DEPS):
	command -v php >/dev/null && command -v phpunit >/dev/null && php -m | grep -qx curl && php -m | grep -qx yaml || \
	  { apt-get update -qq && apt-get install -y -qq php-cli php-curl php-mbstring php-yaml php-twig phpunit >/dev/null; }
	test -f $@ || { apt-get update -qq && apt-get install -y -qq php-twig >/dev/null; }

test-php: $(STAMP) $(PHP_DEPS)
	find integrations/grav -name '*.php' -print0 | xargs -0 -n1 php -l >/dev/null
	cd integrations/grav && POISK_BIN=$(CURDIR)/$(BIN)/poisk phpunit -c phpunit.xml.dist

# The same suite on whoosh-reloaded 2.7.5, the drop-in fallback for whoosh3 (never both in one
# environment), then an index written by one and updated and searched by the other.
FALLBACK := .venv-fallback
$(FALLBACK)/.installed: pyproject.toml
	$(PYTHON) -m venv $(FALLBACK)
	$(FALLBACK)/bin/python -m pip install --quiet --upgrade pip
	$(FALLBACK)/bin/python -m pip install --quiet -e '.[test]'
	$(FALLBACK)/bin/python -m pip uninstall --quiet -y whoosh3
	$(FALLBACK)/bin/python -m pip install --quiet 'whoosh-reloaded==2.7.5'
	touch $@

test-fallback: $(STAMP) $(FALLBACK)/.installed
	$(FALLBACK)/bin/python -m pytest -q -p no:cacheprovider -m "not slow"
	rm -rf var/fallback-index && mkdir -p var/fallback-index
	cp -r content var/fallback-index/content
	$(BIN)/poisk index --words-only --content var/fallback-index/content --index var/fallback-index/ix
	echo "Новое слово барабулька." >> var/fallback-index/content/user/pages/03.about/default.ru.md
	$(FALLBACK)/bin/poisk index --words-only --content var/fallback-index/content --index var/fallback-index/ix
	$(BIN)/poisk search барабулька --index var/fallback-index/ix | grep -q "^1 results"
	$(FALLBACK)/bin/poisk search барабулька --index var/fallback-index/ix | grep -q "^1 results"
	@echo "whoosh3 and whoosh-reloaded read and update each other's index"

# Rewrite tests/golden/analysis.golden after a deliberate analysis change; review it with git diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.analysis

# Relevance on the real archive: recall@10, MRR, nDCG@10 per language and kind, beside plain Whoosh and a
# Snowball OR baseline (the peers' matching); the visitors' set was written blind, by a helper who never saw the engine.
# Poisk by words only (poisk-words) and with search by meaning (poisk, the default) side by side, on one index.
bench-relevance: $(STAMP)
	$(BIN)/python -m benchmarks.relevance --queries benchmarks/relevance/queries.tsv \
		benchmarks/relevance/queries-holdout.tsv benchmarks/relevance/queries-visitors.tsv

# Search by meaning: the real archive searchable by words, then by meaning; the time it adds to a query;
# the vectors' size and the nearest-page search at 10k and 100k pages (about 3 minutes).
bench-semantic: $(STAMP)
	$(BIN)/python -m benchmarks.semantic --sizes 10000 100000

# Speed at scale: Poisk beside tantivy, SQLite FTS5 and PostgreSQL on realistic archives of 1k, 10k and 100k pages
# written by ../shared/bench/gen_corpus.py (kept under var/bench/corpus-<pages>-s<seed>; SEED=S for another one):
# build, first-time query latency in-process and over HTTP (poisk serve with its defaults), where a query's time
# goes by stage, and loads by wrk. Not part of make test, and long: embedding the pages for search by meaning takes
# minutes per thousand on two cores (--words-only leaves it out), so the 10k size alone takes over half an hour.
WRK := command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
POSTGRES := command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
	|| { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }

bench: $(STAMP)
	$(WRK)
	$(POSTGRES)
	$(BIN)/python -m pip install --quiet 'tantivy>=0.22' 'psycopg[binary]>=3.1'
	$(BIN)/python -m benchmarks.scale --sizes 1000 10000 100000 $(if $(SEED),--seed $(SEED))
	$(BIN)/python -m benchmarks.semantic --sizes 10000 100000

bench-quick: $(STAMP)
	$(WRK)
	$(POSTGRES)
	$(BIN)/python -m pip install --quiet 'tantivy>=0.22' 'psycopg[binary]>=3.1'
	$(BIN)/python -m benchmarks.scale --sizes 1000 $(if $(SEED),--seed $(SEED))

# A bounded load (wrk, 30 s, 50 connections) of normal and hostile queries on loopback.
bench-load: $(STAMP)
	$(WRK)
	$(BIN)/python -m benchmarks.load

# Speed of text analysis: tokens/s, per-query analysis time, dictionary cache load.
bench-analysis: $(STAMP)
	$(BIN)/python -m benchmarks.analysis

clean:
	rm -rf $(VENV) $(FALLBACK) var .pytest_cache
