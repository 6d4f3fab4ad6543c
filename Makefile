# DeployLab: make run, make test, make bench, make lint, make fuzz. Each creates .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint check clean fuzz

# Python writes its bytecode (__pycache__) even where the environment says not to: the suite
# starts dozens of Python processes (test workers, CLI runs, served apps), and without it each
# compiles the same sources again (collecting the tests alone took 5.5 s of CPU instead of 1.9).
export PYTHONDONTWRITEBYTECODE :=

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/deploylab

test: lint
	$(BIN)/deploylab check
	$(BIN)/pytest -n auto

bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks

# 5,000 seeded random keys and resizes on every screen, two screens at a time (not in `make test`).
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz --keys 5000 --jobs 2

lint: $(STAMP)
	$(BIN)/ruff check app models lessons tests
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV)
