"""Fixtures every test layer shares: the real knowledge, loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.startup import Loaded, load
from bot.dialog import Conversation
from bot.knowledge import Knowledge

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def loaded() -> Loaded:
    return load()


@pytest.fixture(scope="session")
def knowledge(loaded: Loaded) -> Knowledge:
    return loaded.knowledge


@pytest.fixture(scope="session")
def conversation(loaded: Loaded) -> Conversation:
    return loaded.conversation
