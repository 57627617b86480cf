"""Fixtures every test layer shares: the real knowledge, loaded once per session.

Hypothesis is derandomized in CI (CI=true): the same examples on every run, so a red build
is reproducible and never a coin toss; on a developer's machine it keeps exploring.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from bot.cli.startup import Loaded, load
from bot.dialog import Conversation
from bot.knowledge import Knowledge

DATA = Path(__file__).parent / "data"

settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def loaded() -> Loaded:
    return load()


@pytest.fixture(scope="session")
def knowledge(loaded: Loaded) -> Knowledge:
    return loaded.knowledge


@pytest.fixture(scope="session")
def conversation(loaded: Loaded) -> Conversation:
    return loaded.conversation
