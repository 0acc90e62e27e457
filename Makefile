# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
VIRTUOSO := /usr/bin/virtuoso-t

.PHONY: demo test lint bench bench-quick clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(CHROMIUM):  ## Debian's chromium for tests/test_browser.py (browsers cannot be downloaded)
	DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver

$(VIRTUOSO):  ## Debian's Virtuoso for tests/test_remote.py (a second remote SPARQL server)
	DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q virtuoso-opensource

demo: $(STAMP)  ## build the example article into out/ and print a summary
	$(BIN)/kg build examples/xinjiang-2018-10-16.txt --out out

test: $(STAMP) $(CHROMIUM) $(VIRTUOSO)  ## run the whole suite
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests benchmarks
	$(BIN)/mypy kg benchmarks

CORPUS ?= $(wildcard ../shared/corpus/bbc-news.jsonl)
BENCH  := $(BIN)/python benchmarks/run.py $(if $(CORPUS),--corpus $(CORPUS))

bench: $(STAMP) $(VIRTUOSO)  ## every benchmark into BENCHMARKS.md (CORPUS=real.jsonl adds real articles)
	$(BENCH)

bench-quick: $(STAMP) $(VIRTUOSO)  ## a small run of every benchmark (< 2 min; tests/test_bench.py runs it)
	$(BENCH) --quick

clean:
	rm -rf $(VENV) out test-output
