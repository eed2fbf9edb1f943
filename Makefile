# The two set-up commands of the README. Each builds the local virtual environment from scratch
# when it is missing and installs what it needs; both run offline after the install.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Main job: generate a Blackmail scenario, run every scripted policy through it, print the verdicts.
demo: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/safety-gym demo

# The whole test suite, after installing every extra (torch pinned to the CPU build on these machines).
test: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	$(BIN)/ruff check .
	$(BIN)/pytest -n 2

lint: $(BIN)/python
	$(BIN)/ruff check .

bench: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python benchmarks/env_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
