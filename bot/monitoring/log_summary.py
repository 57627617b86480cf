"""A line in the log every few minutes of what the bot did meanwhile: updates, replies,
failures, retries. A quiet log then says "quiet", and a log with no line at all says the bot
is gone; both were indistinguishable while the log spoke only of trouble.

The figures are the metrics' own counters (metrics.py), read as differences between lines,
so nothing is counted twice and nothing needs a server to be scraped.
"""

from __future__ import annotations

import asyncio
import logging

from prometheus_client import Counter

from bot.monitoring import metrics
from bot.retrying import Sleep

log = logging.getLogger(__name__)

COUNTED = {"updates": metrics.UPDATES, "replies": metrics.REPLIES,
           "failures": metrics.SEND_FAILURES, "retries": metrics.RETRIES,
           "429s": metrics.RATE_LIMITED}


def _total(counter: Counter) -> float:
    return sum(sample.value for family in counter.collect() for sample in family.samples
               if sample.name.endswith("_total"))


class Summary:
    def __init__(self) -> None:
        self._last = self._totals()

    @staticmethod
    def _totals() -> dict[str, float]:
        return {name: _total(counter) for name, counter in COUNTED.items()}

    def line(self, seconds: float) -> str:
        """What happened since the last line (or since the summary began)."""
        now = self._totals()
        since = {name: now[name] - self._last[name] for name in now}
        self._last = now
        span = f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
        return (f"in the last {span}: "
                + ", ".join(f"{name} {since[name]:.0f}" for name in COUNTED))


async def log_summaries(every: float, sleep: Sleep = asyncio.sleep) -> None:
    """Until cancelled: one INFO line each `every` seconds."""
    summary = Summary()
    while True:
        await sleep(every)
        log.info(summary.line(every))
