"""Which Telegram updates have been handled, and which were set aside to be handled later.

The bot confirms an update to Telegram only once it has been handled, so after a crash
Telegram hands back everything unconfirmed; this journal tells the ones already answered.
One slow update must not block the offset forever (Telegram returns at most 100 updates
from it), so an update still in progress when the backlog behind it fills a whole batch is
"set aside": written here, then confirmed; a restart handles what is set aside first.
Kept in the same SQLite file as chat state; handled ids older than Telegram's 24-hour
retention are pruned.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from typing import Any

RETENTION_SECONDS = 2 * 24 * 3600  # Telegram keeps unconfirmed updates for 24 hours
PRUNE_EVERY = 1000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handled_update (
    update_id INTEGER PRIMARY KEY,
    handled_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS set_aside_update (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL
);
"""


class UpdateJournal:
    def __init__(self, db: sqlite3.Connection, lock: threading.Lock) -> None:
        self._db = db
        self._lock = lock
        self._marks = 0
        with self._lock:
            self._db.executescript(_SCHEMA)

    def is_handled(self, update_id: int) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM handled_update WHERE update_id = ?", (update_id,)
            ).fetchone()
        return row is not None

    def mark_handled(self, update_id: int) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO handled_update (update_id, handled_at) VALUES (?, ?)",
                (update_id, now),
            )
            self._db.execute("DELETE FROM set_aside_update WHERE update_id = ?", (update_id,))
            self._marks += 1
            if self._marks % PRUNE_EVERY == 0:
                self._db.execute("DELETE FROM handled_update WHERE handled_at < ?",
                                 (now - RETENTION_SECONDS,))

    def set_aside(self, update_id: int, payload: dict[str, object]) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO set_aside_update (update_id, payload) VALUES (?, ?)",
                (update_id, json.dumps(payload)),
            )

    def set_aside_updates(self) -> list[dict[str, Any]]:
        """Updates set aside before a restart, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM set_aside_update ORDER BY update_id"
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM handled_update").fetchone()[0])
