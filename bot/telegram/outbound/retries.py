"""Every retry the bot makes, as tenacity policies in one place.

Three kinds of failure, three policies:
- in transit: a request that failed on the way (5xx, dropped connection, timeout) is sent
  again at once-ish, with capped, jittered backoff; a 4xx is a real refusal and never retried.
  Applied to every Bot API call by the rate limiter (rate_limit.py).
- undelivered: a reply still not accepted after that is tried again a few times after longer
  pauses (Telegram having a bad minute), holding the chat's order, before it is given up.
- polling: getUpdates failing is retried for as long as the bot runs, backing off to 30 s;
  so is getMe at start-up (`until_telegram_answers`): Telegram down is waited out either way.

Each takes a `sleep`, so tests step a clock instead of waiting. `bot.retrying.call_retrying`
runs a call under a policy.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_when_event_set,
    wait_exponential,
    wait_random_exponential,
)

from bot.monitoring import metrics
from bot.retrying import Sleep

log = logging.getLogger(__name__)

TRANSIENT_RETRIES = 8  # at a 20% failure rate, all nine attempts fail about once in 2 million
FIRST_TRANSIENT_BACKOFF = 0.1  # seconds: each wait is random up to this doubled per attempt,
MAX_TRANSIENT_BACKOFF = 3.0  # ... capped here ("full jitter": retries of many chats spread out)
REDELIVERY_ATTEMPTS = 4  # an undelivered reply is tried again after 2 s, 4 s and 8 s
FIRST_REDELIVERY_PAUSE = 2.0
FIRST_POLL_BACKOFF = 0.5
MAX_POLL_BACKOFF = 30.0


def failed_in_transit(error: BaseException) -> bool:
    """5xx, dropped connection, timeout. (BadRequest is a NetworkError in the framework.)"""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def refused(error: BaseException) -> bool:
    """Telegram will never take this (bad request, blocked by the user, wrong token)."""
    return isinstance(error, BadRequest | Forbidden | InvalidToken)


def in_transit(retries: int = TRANSIENT_RETRIES, *, sleep: Sleep = asyncio.sleep,
               what: str = "request") -> AsyncRetrying:
    return AsyncRetrying(
        retry=retry_if_exception(failed_in_transit),
        wait=wait_random_exponential(multiplier=FIRST_TRANSIENT_BACKOFF,
                                     max=MAX_TRANSIENT_BACKOFF),
        stop=stop_after_attempt(retries + 1),
        sleep=sleep, reraise=True, before_sleep=_log_retry(what, logging.INFO, "in_transit"),
    )


def redelivery(*, sleep: Sleep = asyncio.sleep, what: str = "reply") -> AsyncRetrying:
    return AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, TelegramError) and not refused(e)),
        wait=wait_exponential(multiplier=FIRST_REDELIVERY_PAUSE),
        stop=stop_after_attempt(REDELIVERY_ATTEMPTS),
        sleep=sleep, reraise=True,
        before_sleep=_log_retry(what, logging.WARNING, "redelivery"),
    )


def polling(stop: asyncio.Event, *, sleep: Sleep = asyncio.sleep) -> AsyncRetrying:
    """Retries until it works or `stop` is set (then the last error is raised); a pause ends
    early when `stop` is set."""
    async def sleep_unless_stopped(seconds: float) -> None:
        sleeping = asyncio.ensure_future(sleep(seconds))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({sleeping, stopping}, return_when=asyncio.FIRST_COMPLETED)
        sleeping.cancel()
        stopping.cancel()

    return AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, TelegramError)
                                 and not isinstance(e, InvalidToken)),
        wait=wait_random_exponential(multiplier=FIRST_POLL_BACKOFF, max=MAX_POLL_BACKOFF),
        stop=stop_when_event_set(stop),  # type: ignore[arg-type]  # any object with is_set()
        sleep=sleep_unless_stopped, reraise=True,
        before_sleep=_log_retry("getUpdates", logging.WARNING, "polling"),
    )


def until_telegram_answers(api_url: str, *, sleep: Sleep = asyncio.sleep) -> AsyncRetrying:
    """getMe at start-up, retried until Telegram answers, backing off as polling does; a
    refusal (a wrong token) is raised at once. Each failure is one line naming the setting,
    since a wrong TELEGRAM_API_URL looks the same as Telegram being down."""
    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        pause = state.next_action.sleep if state.next_action else 0.0
        log.warning("no answer from the Bot API at TELEGRAM_API_URL=%s (%s); trying again in "
                    "%.0f s", api_url, error, pause)

    return AsyncRetrying(
        retry=retry_if_exception(failed_in_transit),
        wait=wait_exponential(multiplier=1.0, max=MAX_POLL_BACKOFF),  # 1, 2, 4 ... 30 s
        sleep=sleep, reraise=True, before_sleep=before_sleep,
    )


def _log_retry(what: str, level: int, policy: str) -> Callable[[RetryCallState], None]:
    """Logs each retry and counts it by policy (never by `what`: it may name a chat)."""
    retries = metrics.RETRIES.labels(policy)

    def before_sleep(state: RetryCallState) -> None:
        retries.inc()
        error = state.outcome.exception() if state.outcome else None
        pause = state.next_action.sleep if state.next_action else 0.0
        log.log(level, "%s failed (%s); retry %d in %.2fs", what, error, state.attempt_number,
                pause)
    return before_sleep
