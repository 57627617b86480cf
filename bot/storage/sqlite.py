"""The default backend: one SQLite file under BOT_DATA_DIR holding everything the bot keeps
(chat state, the journal, the pictures' file_ids, and records.py's records), written by the
SQL both backends share (tables.py) over the file's one connection.

WAL journal with synchronous=NORMAL: a committed write survives the process being killed
(kill -9) at any moment; only a power cut could lose the last instants, which for "which step
was I on" is an acceptable trade for not fsyncing on every tap.

What people wrote is in here, so only the bot's user may read it: the file (and SQLite's -wal
and -shm beside it, which take its mode) is 0600, a directory the bot creates 0700. And what
is deleted is gone from the files, not only from the tables: secure_delete zeroes it where it
lay, and after /forget or the retention period's deletions a checkpoint empties the
write-ahead log, which would otherwise keep the rows' last versions until it is reused.

The calls are synchronous inside async methods on purpose: a local SQLite write costs less
than handing it to a thread would, and one connection used from the event loop's thread
needs no lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path

from bot.storage.interface import UNANSWERED_KEPT, StorageError
from bot.storage.records import RECORDS_SCHEMA, UNANSWERED_COUNTED_SCHEMA
from bot.storage.sql import Row
from bot.storage.tables import SqlStorage

__all__ = ["DATABASE_NAME", "SqliteStorage"]

DATABASE_NAME = "chats.sqlite3"
PRIVATE_FILE = 0o600
PRIVATE_DIRECTORY = 0o700

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_state (
    chat_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS handled_update (
    update_id INTEGER PRIMARY KEY,
    handled_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS set_aside_update (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS picture_file (
    key TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    stored_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS picture_file_chat ON picture_file (chat_id);
"""
# Schema version n is reached by running the n-th script; a database from before versions were
# recorded (no schema_version table) has version 0, and its tables are those of script 1.
MIGRATIONS = (_SCHEMA, RECORDS_SCHEMA, UNANSWERED_COUNTED_SCHEMA)
SCHEMA_VERSION = len(MIGRATIONS)


class SqliteStorage(SqlStorage):
    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        data_dir.mkdir(mode=PRIVATE_DIRECTORY, parents=True, exist_ok=True)
        self.path = data_dir / DATABASE_NAME
        _private(self.path)
        self._db = sqlite3.connect(self.path, isolation_level=None)  # autocommit
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute("PRAGMA secure_delete=ON")
        migrate(self._db, self.path)
        self._single_process = SingleProcess()
        super().__init__(SqliteSql(self._db), clock)

    @property
    def chat_locks(self) -> SingleProcess:
        return self._single_process

    @property
    def poller_lease(self) -> SingleProcess:
        return self._single_process

    async def forget_chat(self, chat_id: int) -> None:
        await super().forget_chat(chat_id)
        self._checkpoint()

    async def expire(self, before: float, keep_questions: int = UNANSWERED_KEPT) -> None:
        await super().expire(before, keep_questions)
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Copies the log into the file (where secure_delete has zeroed what was deleted)
        and empties it; a reader in the way (`bot stats`) only delays that to the next."""
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    async def close(self) -> None:
        self._db.close()


def _private(path: Path) -> None:
    """A new database file is created 0600; one made looser by an older bot is tightened,
    with the -wal and -shm beside it."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for each in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_IMODE(each.stat().st_mode) & ~PRIVATE_FILE:
                each.chmod(PRIVATE_FILE)


def migrate(db: sqlite3.Connection, path: Path) -> None:
    """Brings the database to SCHEMA_VERSION, each step in its own transaction; refuses one
    written by a newer bot rather than guess at its tables."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT MAX(version) FROM schema_version").fetchone()
    version = int(row[0]) if row and row[0] is not None else 0
    if version > SCHEMA_VERSION:
        db.close()
        raise StorageError(f"{path} has schema version {version}, newer than this bot's "
                           f"{SCHEMA_VERSION}: run the newer bot, or point BOT_DATA_DIR at "
                           "another directory; nothing was changed")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        with db:
            db.execute("BEGIN")
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))


class SqliteSql:
    """Every table's statements (tables.py) on the file's one connection, in autocommit. No
    statement is tried again here, so one that adds runs at most once already."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    async def execute(self, statement: str, values: Sequence[object] = (), *,
                      adds: bool = False) -> None:
        self._db.execute(statement, values)

    async def fetch(self, statement: str, values: Sequence[object] = ()) -> list[Row]:
        return self._db.execute(statement, values).fetchall()

    async def in_one_transaction(self, statements: Sequence[str], value: object) -> None:
        with self._db:  # BEGIN ... COMMIT, or ROLLBACK on an error
            self._db.execute("BEGIN")
            for statement in statements:
                self._db.execute(statement, (value,))


class SingleProcess:
    """A SQLite file belongs to one bot process: chat_order.py keeps its chats apart, and it
    is always the poller. (Two processes on one file would be two pollers, which Telegram
    refuses anyway.) PostgreSQL is the store for more than one."""

    @contextlib.asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        yield

    async def acquire(self) -> None:
        return None

    async def until_lost(self) -> None:
        await asyncio.Event().wait()  # never

    async def release(self) -> None:
        return None
