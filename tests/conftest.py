"""Fixtures every test layer shares: the real knowledge, loaded once per session.

Hypothesis is derandomized in CI (CI=true): the same examples on every run, so a red build
is reproducible and never a coin toss; on a developer's machine it keeps exploring.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from hypothesis import settings

from bot.cli.startup import Loaded, load
from bot.dialog import Conversation
from bot.knowledge import Knowledge
from tests.postgres_server import PostgresServer

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


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server, started once per session by the first test that needs it."""
    server = PostgresServer()
    server.start()
    yield server
    server.remove()


_databases = itertools.count(1)


@pytest.fixture
def database_url(postgres: PostgresServer) -> str:
    """A new, empty database on the session's server: each test starts from nothing."""
    return postgres.create_database(f"test_{os.getpid()}_{next(_databases)}")


PASSWORD = "pw-Never-Shown-7c1e"  # what no log line and no error may ever show
# A password made of what URL parsers read as structure, to be shown nowhere either.
ODD_PASSWORD = "p#w?d/@%x&y+z=;Q1"


def pieces(password: str) -> set[str]:
    """The password and each run of 4 of its characters: none may be printed."""
    return {password[i:i + 4] for i in range(len(password) - 3)} | {password}


def printed_pieces(text: str, password: str) -> list[str]:
    return sorted(piece for piece in pieces(password) if piece in text)


@pytest.fixture
def url_with_password(database_url: str) -> str:
    """The test's database, reached as a role with a password, as an operator would."""
    with psycopg.connect(database_url, autocommit=True) as admin:
        admin.execute("DO $$ BEGIN CREATE ROLE trunk_bot LOGIN PASSWORD "
                      f"'{PASSWORD}'; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
        admin.execute(f'ALTER DATABASE "{urlsplit(database_url).path[1:]}" OWNER TO trunk_bot')
    parts = urlsplit(database_url)
    return parts._replace(netloc=f"trunk_bot:{PASSWORD}@{parts.hostname}:{parts.port}"
                          ).geturl()
