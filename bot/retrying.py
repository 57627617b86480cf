"""Running a call under a tenacity policy cheaply: shared by the Telegram layer (Bot API
calls, getUpdates) and the PostgreSQL store, which must not import each other."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from tenacity import AsyncRetrying

T = TypeVar("T")
# What every policy and every timed task waits with: tests pass a stepped clock's instead.
Sleep = Callable[[float], Awaitable[None]]


async def call_retrying(policy: Callable[[], AsyncRetrying], call: Callable[[], Awaitable[T]]
                        ) -> T:
    """`call()` under `policy()`, the first attempt outside tenacity: a tenacity loop inspects
    its callbacks on every attempt, a cost every Bot API and database call would pay
    (bench/README.md has the figure), while nearly every call succeeds at once. A first
    failure is handed to the
    policy as its first attempt, so it is judged, waited on and logged exactly as if tenacity
    had made it."""
    try:
        return await call()
    except Exception as error:
        first_failure: Exception | None = error
    async for attempt in policy():
        with attempt:
            if first_failure is not None:
                replayed, first_failure = first_failure, None
                raise replayed
            return await call()
    raise AssertionError("unreachable: the policy re-raises the last failure")
