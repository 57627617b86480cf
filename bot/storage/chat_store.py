"""Per-chat state in SQLite: read per update, written on each change, never all held in RAM.

WAL journal with synchronous=NORMAL: a committed write survives the process being killed
(kill -9) at any moment; only a power cut could lose the last instants, which for "which step
was I on" is an acceptable trade for not fsyncing on every tap.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

from bot.dialog.state import ChatState
from bot.storage.update_journal import UpdateJournal

DATABASE_NAME = "chats.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chat_state (
    chat_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at REAL NOT NULL
)
"""


class ChatStore:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / DATABASE_NAME
        # One connection, used from the event loop thread (and, in tests, from helper threads
        # one at a time): the lock makes that safe without a connection pool.
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.execute(_SCHEMA)
        self.journal = UpdateJournal(self._db, self._lock)

    def load(self, chat_id: int) -> ChatState:
        with self._lock:
            row = self._db.execute(
                "SELECT state FROM chat_state WHERE chat_id = ?", (chat_id,)
            ).fetchone()
        if row is None:
            return ChatState()
        try:
            return ChatState.from_dict(json.loads(row[0]))
        except (ValueError, TypeError):
            return ChatState()  # a damaged row costs the chat its place, never the bot

    def save(self, chat_id: int, state: ChatState) -> None:
        payload = json.dumps(state.to_dict(), separators=(",", ":"))
        with self._lock:
            self._db.execute(
                "INSERT INTO chat_state (chat_id, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(chat_id) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                (chat_id, payload, time.time()),
            )

    def forget(self, chat_id: int) -> None:
        with self._lock:
            self._db.execute("DELETE FROM chat_state WHERE chat_id = ?", (chat_id,))

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM chat_state").fetchone()[0])

    def integrity_ok(self) -> bool:
        with self._lock:
            return bool(self._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    def close(self) -> None:
        with self._lock:
            self._db.close()
