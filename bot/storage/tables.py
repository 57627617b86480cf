"""Every table through one `Sql` (sql.py): `SqlStorage`, which both backends extend, and the
tables the Telegram layer keeps (chat state, the journal, the pictures' file_ids). The records
for the people who run the bot are records.py's.

What is left to a backend is what truly differs: its connections, its locks and poller lease,
and its schema's migration steps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from bot.dialog.state import ChatState
from bot.storage.interface import RETENTION_SECONDS, UNANSWERED_KEPT
from bot.storage.records import (
    EXPIRE,
    KEEP_LATEST_QUESTIONS,
    SqlChatActivity,
    SqlFeedback,
    SqlTallies,
    SqlUnansweredQuestions,
)
from bot.storage.sql import Sql

# Everything kept about one chat; a table added per chat adds its statement here.
FORGET_CHAT = (
    "DELETE FROM chat_state WHERE chat_id = ?",
    "DELETE FROM chat_activity WHERE chat_id = ?",
    "DELETE FROM feedback_comment WHERE chat_id = ?",
    "UPDATE feedback_rating SET chat_id = NULL WHERE chat_id = ?",
    "DELETE FROM picture_file WHERE chat_id = ?",
)


class SqlStorage:
    """The part of `Storage` every backend shares: every table, and what deletes from them.
    A backend's Storage extends it, hands it the backend's Sql, and adds its chat locks,
    poller lease and close."""

    def __init__(self, sql: Sql, clock: Callable[[], float]) -> None:
        self._sql = sql
        self.chats = SqlChatStates(sql, clock)
        self.journal = SqlUpdateJournal(sql, clock)
        self.pictures = SqlPictureFiles(sql, clock)
        self.activity = SqlChatActivity(sql)
        self.tallies = SqlTallies(sql)
        self.feedback = SqlFeedback(sql)
        self.unanswered = SqlUnansweredQuestions(sql)

    async def forget_chat(self, chat_id: int) -> None:
        await self._sql.in_one_transaction(FORGET_CHAT, chat_id)

    async def expire(self, before: float, keep_questions: int = UNANSWERED_KEPT) -> None:
        await self._sql.in_one_transaction(EXPIRE, before)
        await self._sql.execute(KEEP_LATEST_QUESTIONS, (max(keep_questions, 1) - 1,))


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


class SqlChatStates:
    def __init__(self, sql: Sql, clock: Callable[[], float]) -> None:
        self._sql = sql
        self._clock = clock

    async def load(self, chat_id: int) -> ChatState:
        rows = await self._sql.fetch(
            "SELECT CAST(state AS TEXT) FROM chat_state WHERE chat_id = ?", (chat_id,))
        if not rows:
            return ChatState()
        try:
            return ChatState.from_dict(json.loads(rows[0][0]))
        except (ValueError, TypeError, AttributeError):
            return ChatState()  # a damaged row costs the chat its place, never the bot

    async def save(self, chat_id: int, state: ChatState) -> None:
        await self._sql.execute(
            "INSERT INTO chat_state (chat_id, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET state = excluded.state, "
            "updated_at = excluded.updated_at",
            (chat_id, _json(state.to_dict()), self._clock()))


class SqlUpdateJournal:
    """Shared by every process of a PostgreSQL store: an update handled by one is known to
    all."""

    def __init__(self, sql: Sql, clock: Callable[[], float]) -> None:
        self._sql = sql
        self._clock = clock
        # Set aside is rare: knowing which are saves a DELETE on every handled update. An
        # update set aside is handled by the poller that set it aside, or after a restart
        # or a takeover by the one that read it back (set_aside_updates): both know it.
        self._set_aside: set[int] = set()

    async def is_handled(self, update_id: int) -> bool:
        return bool(await self._sql.fetch(
            "SELECT 1 FROM handled_update WHERE update_id = ?", (update_id,)))

    async def mark_handled(self, update_id: int) -> None:
        await self._sql.execute(
            "INSERT INTO handled_update (update_id, handled_at) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING", (update_id, self._clock()))
        if update_id in self._set_aside:
            await self._sql.execute("DELETE FROM set_aside_update WHERE update_id = ?",
                                    (update_id,))
            self._set_aside.discard(update_id)

    async def prune(self) -> None:
        await self._sql.execute("DELETE FROM handled_update WHERE handled_at < ?",
                                (self._clock() - RETENTION_SECONDS,))

    async def set_aside(self, update_id: int, payload: dict[str, Any]) -> None:
        await self._sql.execute(
            "INSERT INTO set_aside_update (update_id, payload) VALUES (?, ?) "
            "ON CONFLICT (update_id) DO NOTHING", (update_id, _json(payload)))
        self._set_aside.add(update_id)

    async def set_aside_updates(self) -> list[dict[str, Any]]:
        rows = await self._sql.fetch(
            "SELECT update_id, CAST(payload AS TEXT) FROM set_aside_update ORDER BY update_id")
        self._set_aside.update(int(update_id) for update_id, _ in rows)
        return [json.loads(payload) for _, payload in rows]


class SqlPictureFiles:
    """One file_id per picture, shared by every process of a PostgreSQL store: a picture
    uploaded through one replica is sent by its file_id from all of them."""

    def __init__(self, sql: Sql, clock: Callable[[], float]) -> None:
        self._sql = sql
        self._clock = clock

    async def file_id(self, key: str) -> str | None:
        rows = await self._sql.fetch("SELECT file_id FROM picture_file WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    async def remember(self, key: str, file_id: str, chat_id: int) -> None:
        await self._sql.execute(
            "INSERT INTO picture_file (key, file_id, chat_id, stored_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET file_id = excluded.file_id, "
            "chat_id = excluded.chat_id, stored_at = excluded.stored_at",
            (key, file_id, chat_id, self._clock()))

    async def forget(self, key: str) -> None:
        await self._sql.execute("DELETE FROM picture_file WHERE key = ?", (key,))

    async def forget_chat(self, chat_id: int) -> None:
        await self._sql.execute("DELETE FROM picture_file WHERE chat_id = ?", (chat_id,))
