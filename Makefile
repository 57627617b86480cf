# Two entry points a newcomer needs: `make run` (the bot) and `make test` (install + all checks).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test chat check lint install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

run: install
	$(PY) -m bot run

chat: install
	$(PY) -m bot chat

check: install
	$(PY) -m bot check

lint: install
	$(PY) -m ruff check bot tests bench
	$(PY) -m mypy

test: install lint
	$(PY) -m bot check
	$(PY) -m pytest
