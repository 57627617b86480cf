# Two entry points a newcomer needs: `make run` (the bot) and `make test` (install + all checks).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test chat check lint install lock

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

# The image installs exactly these (Dockerfile), hashes checked, PostgreSQL's driver included
# (the postgres extra): run after changing a dependency. uv resolves for every platform and
# Python 3.11+ at once; it is needed only here.
LOCK := --universal --python-version 3.11 --generate-hashes --quiet
lock: install
	$(PY) -m pip install --quiet 'uv>=0.9,<1'
	$(VENV)/bin/uv pip compile pyproject.toml --extra postgres $(LOCK) -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra image-build --extra postgres \
		-c requirements.lock $(LOCK) -o requirements-build.lock
