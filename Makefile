# habeas — the two commands a newcomer needs:
#   make demo   set up .venv, build the synthetic case, import every list, print a summary
#   make test   run the whole test suite
# Needs only Python 3.11+ and make.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
            command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            && { command -v $$p; break; }; done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck check bench clean lock cli-docs

# Set-up installs the exact versions in requirements.lock (the ones CI tests), then
# habeas itself; `make lock` re-resolves the lock after a change to pyproject.toml.
$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "habeas needs Python 3.11 or newer (python3.11+ not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "Installing the locked dependencies (a few minutes the first time)..."
	$(BIN)/python -m pip install --progress-bar on -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@command -v tesseract >/dev/null 2>&1 || echo "Note: importing scanned lists needs Tesseract: \
	sudo apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng / Nota: importar \
	listas escaneadas necesita Tesseract: sudo apt-get install tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/habeas demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python benchmarks/import_csv.py

cli-docs: $(STAMP)
	$(BIN)/python -m habeas.cli.reference docs/cli.md

lock:
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet pip-tools
	$(VENV)-lock/bin/pip-compile --quiet --extra dev --extra postgres --extra pdf --extra spark --strip-extras \
	    --no-emit-index-url --no-emit-find-links --output-file requirements.lock pyproject.toml
	rm -rf $(VENV)-lock

clean:
	rm -rf $(VENV) demo-workspace .pytest_cache .mypy_cache .ruff_cache
