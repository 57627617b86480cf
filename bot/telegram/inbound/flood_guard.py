"""Brakes on one person flooding the bot: leaky buckets, per chat and per user.

Someone pasting 100 messages a second gets one "slow down" and silence until they pause
(`FloodGuard`, per chat), rather than 100 answers that would also eat the bot's Telegram
sending budget for everyone.

Inline queries and taps cost a call to Telegram before that guard could see them (an inline
query is answered at once, a tap's spinner is stopped first), and parsing them is most of
what a flood of them costs. So each user also has a budget of each (`UpdateBudgets`), spent
on the update as Telegram sent it, before the framework parses it, before it is queued,
journalled or answered: the poller sees Telegram's answer screened (bot/telegram/outbound/http.py's
UpdatesRequest), the webhook checks each body. The excess is dropped for the price of a
dictionary lookup, so a flood from one user holds up no one else.

Buckets live in bounded caches (cachetools) that forget a key once it has been quiet long
enough for forgetting to make no difference, so memory stays flat however many chats there are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping
from enum import StrEnum
from typing import Any

from cachetools import LRUCache, TTLCache

from bot.monitoring import metrics

BURST = 12  # messages or taps in a row: tapping through a method quickly is fine
REFILL_PER_SECOND = 2.0
WARN_AGAIN_AFTER = 10.0  # seconds: one "slow down" per flood, not one per message
TRACKED_CHATS = 10_000
# A bucket quiet this long is full again and its warning expired: the same as a new one.
FORGET_AFTER = max(BURST / REFILL_PER_SECOND, WARN_AGAIN_AFTER)
# Per user, for each of inline queries and taps: more than a person types or taps (a query
# per pause in typing; tapping through a way's steps), so that only a flood is cut.
BUDGET_BURST = 30
BUDGET_PER_SECOND = 5.0
BUDGETED = {"inline_query": "inline_query", "callback_query": "tap"}  # update field: kind
DECISIONS_REMEMBERED = 10_000  # update ids: far more than a poll fetches again

Clock = Callable[[], float]


def _loop_time() -> float:
    return asyncio.get_running_loop().time()


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: say "slow down" once
    DROP = "drop"  # over the limit, already warned: handle silently


class Buckets:
    """A leaky bucket per key: `burst` in a row, then `per_second`."""

    def __init__(self, clock: Clock, *, burst: int, per_second: float,
                 keys: int = TRACKED_CHATS) -> None:
        self._clock = clock
        self._burst = burst
        self._per_second = per_second
        # (level, when): a bucket untouched for burst / per_second has leaked empty.
        self._levels: TTLCache[Hashable, tuple[float, float]] = TTLCache(
            maxsize=keys, ttl=burst / per_second, timer=clock)

    def take(self, key: Hashable) -> bool:
        now = self._clock()
        level, then = self._levels.get(key, (0.0, now))
        level = max(0.0, level - (now - then) * self._per_second)
        taken = level + 1 <= self._burst
        self._levels[key] = (level + taken, now)
        return taken


class FloodGuard:
    """`clock` defaults to the event loop's; tests step it by hand."""

    def __init__(self, clock: Clock | None = None, *, burst: int = BURST,
                 refill_per_second: float = REFILL_PER_SECOND) -> None:
        self._clock = clock or _loop_time
        self._buckets = Buckets(self._clock, burst=burst, per_second=refill_per_second)
        self._warned_at: TTLCache[int, float] = TTLCache(
            maxsize=TRACKED_CHATS, ttl=WARN_AGAIN_AFTER, timer=self._clock)

    async def check(self, chat_id: int) -> Verdict:
        if self._buckets.take(chat_id):
            return Verdict.ALLOW
        if chat_id in self._warned_at:
            return Verdict.DROP
        self._warned_at[chat_id] = self._clock()
        return Verdict.WARN


class UpdateBudgets:
    """Each user's budget of inline queries and of taps, spent on updates as Telegram sent
    them (JSON). `clock` as FloodGuard's."""

    def __init__(self, clock: Clock | None = None, *, burst: int = BUDGET_BURST,
                 per_second: float = BUDGET_PER_SECOND) -> None:
        self._buckets = Buckets(clock or _loop_time, burst=burst, per_second=per_second)
        # The poller fetches an update again while the offset is held behind it: it gets the
        # same decision, spending nothing, and a dropped one is never answered late.
        self._decided: LRUCache[int, bool] = LRUCache(maxsize=DECISIONS_REMEMBERED)

    def admits(self, update: Mapping[str, Any]) -> bool:
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            return True  # not an update: the framework will say so
        decided = self._decided.get(update_id)
        if decided is not None:
            return decided
        for field, kind in BUDGETED.items():
            query = update.get(field)
            sender = query.get("from") if isinstance(query, dict) else None
            user_id = sender.get("id") if isinstance(sender, dict) else None
            if user_id is not None:
                admitted = self._decided[update_id] = self._buckets.take((kind, user_id))
                if not admitted:
                    metrics.FLOOD.labels("over_budget").inc()
                return admitted
        return True

    def dropped(self, update_id: int) -> bool:
        return self._decided.get(update_id) is False

    def screen(self, updates: list[Any]) -> list[Any]:
        """Telegram's answer to getUpdates, each update over budget cut to its id: the
        framework parses almost for free, and the poller passes over it."""
        return [{"update_id": u["update_id"]} if isinstance(u, dict) and not self.admits(u)
                else u for u in updates]
