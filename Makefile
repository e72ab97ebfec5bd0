# Everything a fresh clone needs: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: serve test install index golden bench-relevance bench-analysis clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/poisk serve

index: $(STAMP)
	$(BIN)/poisk index

test: $(STAMP)
	$(BIN)/python -m pytest

# Rewrite tests/golden/analysis.golden after a deliberate analysis change; review it with git diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden.analysis

# Relevance on the real archive: recall@10, MRR, nDCG@10 per language and kind, beside plain Whoosh.
bench-relevance: $(STAMP)
	$(BIN)/python -m benchmarks.relevance
	$(BIN)/python -m benchmarks.relevance --no-baseline --queries benchmarks/relevance/queries-holdout.tsv

# Speed of text analysis: tokens/s, per-query analysis time, dictionary cache load.
bench-analysis: $(STAMP)
	$(BIN)/python -m benchmarks.analysis

clean:
	rm -rf $(VENV) var .pytest_cache
