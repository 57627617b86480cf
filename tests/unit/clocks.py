"""A clock tests step by hand, and a sleep that advances it instead of waiting."""

from __future__ import annotations


class Clock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        """Stands in for asyncio.sleep: records the pause and moves time on at once."""
        self.slept.append(seconds)
        self.now += seconds
