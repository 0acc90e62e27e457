# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)  ## build the example article into out/ and print a summary
	$(BIN)/kg build examples/xinjiang-2018-10-16.txt --out out

test: $(STAMP)  ## run the whole suite
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check kg tests
	$(BIN)/mypy kg

clean:
	rm -rf $(VENV) out test-output
