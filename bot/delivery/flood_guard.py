"""A polite brake on one chat flooding the bot: a leaky bucket per chat (aiolimiter).

Someone pasting 100 messages a second gets one "slow down" and silence until they pause,
rather than 100 answers that would also eat the bot's Telegram sending budget for everyone.
Buckets live in a bounded cache (cachetools) that forgets a chat once it has been quiet long
enough for forgetting to make no difference, so memory stays flat however many chats there are.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from aiolimiter import AsyncLimiter
from cachetools import TTLCache

BURST = 12  # messages or taps in a row: tapping through a method quickly is fine
REFILL_PER_SECOND = 2.0
WARN_AGAIN_AFTER = 10.0  # seconds: one "slow down" per flood, not one per message
TRACKED_CHATS = 10_000
# A bucket quiet this long is full again and its warning expired: the same as a new one.
FORGET_AFTER = max(BURST / REFILL_PER_SECOND, WARN_AGAIN_AFTER)


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: say "slow down" once
    DROP = "drop"  # over the limit, already warned: handle silently


@dataclass
class _ChatBucket:
    limiter: AsyncLimiter
    warned_at: float = field(default=float("-inf"))


class FloodGuard:
    """`clock` defaults to the event loop's, which aiolimiter uses too; tests replace both."""

    def __init__(self, clock: Callable[[], float] | None = None, *, burst: int = BURST,
                 refill_per_second: float = REFILL_PER_SECOND) -> None:
        self._clock = clock
        self._burst = burst
        self._period = burst / refill_per_second
        self._chats: TTLCache[int, _ChatBucket] = TTLCache(
            maxsize=TRACKED_CHATS, ttl=FORGET_AFTER, timer=self._now)

    def _now(self) -> float:
        return self._clock() if self._clock else asyncio.get_running_loop().time()

    async def check(self, chat_id: int) -> Verdict:
        chat = self._chats.get(chat_id) or _ChatBucket(AsyncLimiter(self._burst, self._period))
        self._chats[chat_id] = chat  # (re)inserted: forgotten only after FORGET_AFTER of quiet
        if chat.limiter.has_capacity():
            await chat.limiter.acquire()  # there is capacity: returns at once
            return Verdict.ALLOW
        now = self._now()
        if now - chat.warned_at >= WARN_AGAIN_AFTER:
            chat.warned_at = now
            return Verdict.WARN
        return Verdict.DROP
