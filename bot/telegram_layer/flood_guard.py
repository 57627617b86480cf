"""A polite brake on one chat flooding the bot: a token bucket per chat.

Someone pasting 100 messages a second gets one "slow down" and silence until they pause,
rather than 100 answers that would also eat the bot's Telegram sending budget for everyone.
Buckets live in a bounded LRU, so memory stays flat however many chats there are.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

BURST = 12  # messages or taps in a row: tapping through a method quickly is fine
REFILL_PER_SECOND = 2.0
WARN_AGAIN_AFTER = 10.0  # seconds: one "slow down" per flood, not one per message
TRACKED_CHATS = 10_000


class Verdict(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # over the limit: say "slow down" once
    DROP = "drop"  # over the limit, already warned: handle silently


@dataclass
class _Bucket:
    tokens: float
    updated: float
    warned_at: float = float("-inf")


class FloodGuard:
    def __init__(self, clock: Callable[[], float] = time.monotonic, *, burst: int = BURST,
                 refill_per_second: float = REFILL_PER_SECOND) -> None:
        self._clock = clock
        self._burst = burst
        self._refill = refill_per_second
        self._buckets: OrderedDict[int, _Bucket] = OrderedDict()

    def check(self, chat_id: int) -> Verdict:
        now = self._clock()
        bucket = self._buckets.pop(chat_id, None) or _Bucket(float(self._burst), now)
        self._buckets[chat_id] = bucket  # most recent last
        if len(self._buckets) > TRACKED_CHATS:
            self._buckets.popitem(last=False)
        bucket.tokens = min(self._burst, bucket.tokens + (now - bucket.updated) * self._refill)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if now - bucket.warned_at >= WARN_AGAIN_AFTER:
            bucket.warned_at = now
            return Verdict.WARN
        return Verdict.DROP
