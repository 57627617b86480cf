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

    def rows(self, table: str) -> int: ...

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        """What a damaged or hand-edited row looks like to the store."""
        ...


class SqliteBackend:
    name = "sqlite"

    def __init__(self, data_dir: Path, clock: Clock) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DATABASE_NAME
        self.clock = clock

    async def open(self) -> Storage:
        return SqliteStorage(self.data_dir, clock=self.clock)

    def rows(self, table: str) -> int:
        with sqlite3.connect(self.path) as db:
            return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        with sqlite3.connect(self.path) as db:
            db.execute("INSERT OR REPLACE INTO chat_state (chat_id, state, updated_at) "
                       "VALUES (?, ?, 0)", (chat_id, payload))


class PostgresBackend:
    name = "postgres"

    def __init__(self, url: str, clock: Clock) -> None:
        self.url = url
        self.clock = clock

    async def open(self) -> Storage:
        return await PostgresStorage.open(self.url, clock=self.clock)

    def rows(self, table: str) -> int:
        with psycopg.connect(self.url) as db:
            row = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # type: ignore[arg-type]
            assert row is not None
            return int(row[0])

    def write_raw_state(self, chat_id: int, payload: str) -> None:
        try:
            with psycopg.connect(self.url) as db:
                db.execute("INSERT INTO chat_state (chat_id, state, updated_at) "
                           "VALUES (%s, %s::jsonb, 0) ON CONFLICT (chat_id) DO UPDATE "
                           "SET state = excluded.state", (chat_id, payload))
        except psycopg.errors.InvalidTextRepresentation:
            pytest.skip("a JSONB column cannot hold text that is not JSON")
