"""Each storage backend as the contract tests see it: open a store, reopen it (a restart), and
look at or damage its rows from outside, as an operator or a crash would."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

import psycopg
import pytest

from bot.storage import SqliteStorage, Storage
from bot.storage.postgres import PostgresStorage
from bot.storage.sqlite import DATABASE_NAME
from tests.unit.clocks import Clock


class Backend(Protocol):
    name: str

    async def open(self) -> Storage: ...

    def rows(self, table: str, chat_id: int | None = None) -> int:
        """How many rows the table holds (tied to `chat_id`, if given)."""
        ...

    def columns(self, table: str) -> list[str]: ...

    def cells(self, table: str) -> list[tuple[object, ...]]: ...

    def tables(self) -> set[str]:
        """The store's tables; none before the bot first opened it."""
        ...

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        """What a damaged or hand-edited row looks like to the store."""
        ...

    def drop_table(self, table: str) -> None:
        """Every statement on it fails from now on, as on a store gone wrong."""
        ...

    def insert_old_question(self, text: str, asked_at: float) -> None:
        """An unanswered question as a release before issue 18 kept it: a row each time."""
        ...


class Looking:
    """Rows seen (and changed) from outside the store, through a backend's `_select`."""

    def _select(self, query: str) -> list[tuple[object, ...]]:
        raise NotImplementedError

    def insert_old_question(self, text: str, asked_at: float) -> None:
        self._select("INSERT INTO unanswered_question (question, language, outcome, "
                     f"candidates, asked_at) VALUES ('{text}', 'en', 'declined', '[]', "
                     f"{asked_at}) RETURNING 1")

    def rows(self, table: str, chat_id: int | None = None) -> int:
        where = "" if chat_id is None else f" WHERE chat_id = {int(chat_id)}"
        return int(str(self._select(f"SELECT COUNT(*) FROM {table}{where}")[0][0]))

    def cells(self, table: str) -> list[tuple[object, ...]]:
        return self._select(f"SELECT * FROM {table}")


class SqliteBackend(Looking):
    name = "sqlite"

    def __init__(self, data_dir: Path, clock: Clock) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_NAME
        self.clock = clock

    async def open(self) -> Storage:
        return SqliteStorage(self.data_dir, clock=self.clock)

    def columns(self, table: str) -> list[str]:
        return [str(row[1]) for row in self._select(f"PRAGMA table_info({table})")]

    def tables(self) -> set[str]:
        if not self.path.exists():  # looking must not create it
            return set()
        return {str(row[0]) for row in self._select(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}

    def _select(self, query: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(self.path) as db:
            return db.execute(query).fetchall()

    def drop_table(self, table: str) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute(f"DROP TABLE {table}")

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("INSERT OR REPLACE INTO chat_state (chat_id, state, updated_at) "
                       "VALUES (?, ?, 0)", (chat_id, payload))


class PostgresBackend(Looking):
    name = "postgres"

    def __init__(self, url: str, clock: Clock) -> None:
        self.url = url
        self.clock = clock

    async def open(self) -> Storage:
        return await PostgresStorage.open(self.url, clock=self.clock)

    def columns(self, table: str) -> list[str]:
        return [str(row[0]) for row in self._select(
            "SELECT column_name FROM information_schema.columns "
            f"WHERE table_name = '{table}' ORDER BY ordinal_position")]

    def tables(self) -> set[str]:
        return {str(row[0]) for row in self._select(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}

    def _select(self, query: str) -> list[tuple[object, ...]]:
        with psycopg.connect(self.url) as db:
            return db.execute(query).fetchall()  # type: ignore[arg-type]

    def drop_table(self, table: str) -> None:
        with psycopg.connect(self.url) as db:
            db.execute(f"DROP TABLE {table}")  # type: ignore[arg-type]

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        try:
            with psycopg.connect(self.url) as db:
                db.execute("INSERT INTO chat_state (chat_id, state, updated_at) "
                           "VALUES (%s, %s::jsonb, 0) ON CONFLICT (chat_id) DO UPDATE "
                           "SET state = excluded.state", (chat_id, payload))
        except psycopg.errors.InvalidTextRepresentation:
            pytest.skip("a JSONB column cannot hold text that is not JSON")

