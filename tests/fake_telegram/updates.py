"""The bot's update queue with Telegram's getUpdates semantics.

Updates stay until the bot confirms them by asking for a higher offset, so an answer lost
on the wire is simply fetched again. Long polls wake as soon as an update arrives, and a
newer poll ends an older one with 409 Conflict, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterable
from typing import Any

from .errors import conflict

UPDATE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_connection",
    "business_message",
    "edited_business_message",
    "deleted_business_messages",
    "guest_message",
    "message_reaction",
    "message_reaction_count",
    "inline_query",
    "chosen_inline_result",
    "callback_query",
    "shipping_query",
    "pre_checkout_query",
    "purchased_paid_media",
    "poll",
    "poll_answer",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "chat_boost",
    "removed_chat_boost",
    "managed_bot",
)
# Sent only when asked for explicitly in allowed_updates.
OPT_IN_KINDS = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
MAX_TIMEOUT = 50


def update_kind(update: dict[str, Any]) -> str:
    """The update's type: its one field besides update_id."""
    kinds = [key for key in update if key != "update_id"]
    if len(kinds) != 1:
        raise ValueError(f"an update has exactly one field besides update_id, got {kinds}")
    return kinds[0]


class UpdateQueue:
    """Pending updates, update ids and the long-poll machinery."""

    def __init__(self, first_update_id: int = 1) -> None:
        self._pending: list[dict[str, Any]] = []
        self._next_id = first_update_id
        self._allowed: frozenset[str] | None = None
        self._arrived = asyncio.Event()
        self._poll_number = 0
        self._closed = False
        self.filtered_out: list[dict[str, Any]] = []

    @property
    def pending(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot, oldest first."""
        return list(self._pending)

    def _accepts(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in OPT_IN_KINDS
        return kind in self._allowed

    def push(self, update: dict[str, Any]) -> int | None:
        """Queue an update (its update_id is assigned here); None if allowed_updates drops it."""
        kind = update_kind(update)
        if "update_id" in update and update["update_id"] < self._next_id:
            raise ValueError(f"update_id must be at least {self._next_id}")
        update_id = int(update.get("update_id", self._next_id))
        self._next_id = update_id + 1
        stored = {"update_id": update_id, kind: update[kind]}
        if not self._accepts(kind):
            self.filtered_out.append(stored)
            return None
        self._pending.append(stored)
        self._wake()
        return update_id

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """allowed_updates: None keeps the last setting, an empty list restores the default."""
        if allowed is None:
            return
        chosen = frozenset(allowed)
        self._allowed = chosen or None

    @property
    def allowed(self) -> list[str] | None:
        """The stored allowed_updates setting (None: the default set)."""
        return None if self._allowed is None else sorted(self._allowed)

    def confirm(self, offset: int) -> None:
        """Forget updates below `offset`; a negative offset keeps only the last -offset."""
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def remove(self, update_id: int) -> None:
        """Drop one update (delivered by webhook)."""
        self._pending = [u for u in self._pending if u["update_id"] != update_id]

    def drop_pending(self) -> None:
        """drop_pending_updates=True."""
        self._pending.clear()

    def close(self) -> None:
        """End all long polls now (server shutdown)."""
        self._closed = True
        self._wake()

    def reopen(self) -> None:
        """Accept long polls again (server restart)."""
        self._closed = False

    def _wake(self) -> None:
        event, self._arrived = self._arrived, asyncio.Event()
        event.set()

    async def poll(self, offset: int, limit: int, timeout: int) -> list[dict[str, Any]]:
        """getUpdates: confirm, then return up to `limit` updates, waiting up to `timeout` s."""
        self.confirm(offset)
        limit = limit if 1 <= limit <= 100 else 100
        self._poll_number += 1
        mine = self._poll_number
        self._wake()  # an older poll notices it was superseded
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(max(timeout, 0), MAX_TIMEOUT)
        while True:
            if mine != self._poll_number:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
            remaining = deadline - loop.time()
            if self._pending or remaining <= 0 or self._closed:
                return self._pending[:limit]
            event = self._arrived
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
