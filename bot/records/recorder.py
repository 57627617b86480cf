"""Writes down what each turn did, for /stats, /unanswered and /metrics.

Called by a chat's turn (bot/telegram/wiring/chat_turn.py) with the turn's effects, as the
conversation declared them (bot/dialog/effects.py), once the state is saved (or, after
/forget, deleted with everything else the turn knew of the chat) and before the replies go
out. Recording never costs an owner their reply:
a failure here is logged and the turn goes on.

Kept: when each chat was last seen (written once a chat a day), daily tallies, ratings tied
to their chat (so a second rating replaces the first) until /forget or the retention period,
comments tied to their chat so that /forget deletes them, and each question that got "did you
mean" or a decline, with the matcher's nearest entries and scores and tied to no chat (once per
wording, counted; at most UNANSWERED_PER_CHAT_PER_DAY from one chat a day). Never a
name or a user id. With UNANSWERED_RETENTION_DAYS=0 nothing anyone wrote is kept, and ratings
are tied to no chat.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from cachetools import LRUCache

from bot.dialog.effects import (
    AnswerShown,
    Asked,
    Commented,
    Effect,
    Forget,
    Question,
    Rated,
    RunEnded,
    WayOpened,
    WayStarted,
)
from bot.dialog.events import Event, TextMessage
from bot.dialog.typed_text import MAX_QUESTION_CHARS
from bot.matching.matcher import SUGGESTIONS, Matcher
from bot.monitoring import metrics
from bot.storage.interface import Candidate, Comment, Storage, UnansweredQuestion

log = logging.getLogger(__name__)

DAY = 24 * 3600.0
CHATS_REMEMBERED = 10_000  # chats known to have been seen today, to write that once a day
# Questions it could not answer kept from one chat in a day: a person's worth, while one
# chat sending junk all day fills nothing (the count is in memory: nothing on disk ties a
# question to a chat; each replica counts its own).
UNANSWERED_PER_CHAT_PER_DAY = 10


def day_of(at: float) -> str:
    """The UTC day of a Unix time, "YYYY-MM-DD": how tallies are kept and summed."""
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d")


class Tally:
    """The names of the daily tallies."""

    ANSWER_SHOWN = "answer_shown"  # subject: the entry
    WAY_STARTED = "way_started"  # subject: the way
    WAY_OPENED = "way_opened"  # subject: the way
    NOTHING_WORKED = "nothing_worked"
    COMMENT = "comment"  # subject: the screen commented on

    @staticmethod
    def question(outcome: Question) -> str:
        return f"question_{outcome.value}"

    @staticmethod
    def counts(effects: Sequence[Effect]) -> Counter[tuple[str, str]]:
        """What the turn adds to the day's tallies, by (name, subject)."""
        counts: Counter[tuple[str, str]] = Counter()
        for effect in effects:
            match effect:
                case Asked(outcome):
                    counts[(Tally.question(outcome), "")] += 1
                case AnswerShown(entry):
                    counts[(Tally.ANSWER_SHOWN, entry)] += 1
                case WayStarted(way):
                    counts[(Tally.WAY_STARTED, way)] += 1
                case WayOpened(way):
                    counts[(Tally.WAY_OPENED, way)] += 1
                case RunEnded():
                    counts[(Tally.NOTHING_WORKED, "")] += 1
                case Commented(screen, _):
                    counts[(Tally.COMMENT, screen.code())] += 1
        return counts


class Recorder:
    def __init__(self, storage: Storage, matcher: Matcher, *, retention_days: int,
                 clock: Callable[[], float] = time.time) -> None:
        self._storage = storage
        self._matcher = matcher
        self._retention = retention_days * DAY
        self._keeps_text = retention_days > 0
        self._clock = clock
        self._seen_on: LRUCache[int, str] = LRUCache(maxsize=CHATS_REMEMBERED)
        self._unanswered_on: LRUCache[int, tuple[str, int]] = LRUCache(
            maxsize=CHATS_REMEMBERED)  # chat -> (day, questions kept that day)

    async def record(self, chat_id: int, event: Event, effects: Sequence[Effect],
                     language: str) -> None:
        try:
            await self._write(chat_id, event, effects, language)
        except Exception:
            log.exception("could not record a turn of chat %s; the reply goes out regardless",
                          chat_id)

    async def expire(self) -> None:
        """Deletes what is past the retention period (bot/telegram/wiring/housekeeping.py
        asks at start-up and hourly, busy or quiet)."""
        await self._storage.expire(self._clock() - self._retention)

    async def _write(self, chat_id: int, event: Event, effects: Sequence[Effect],
                     language: str) -> None:
        storage, now = self._storage, self._clock()
        day = day_of(now)
        if any(isinstance(e, Forget) for e in effects):
            # deleted by the turn: seeing it now would tie it to a row again
            self._seen_on.pop(chat_id, None)
            self._unanswered_on.pop(chat_id, None)
        elif self._seen_on.get(chat_id) != day:
            await storage.activity.seen(chat_id, now)
            self._seen_on[chat_id] = day
        for effect in effects:
            match effect:
                case Asked(outcome):
                    metrics.QUESTIONS.labels(outcome.value).inc()
                    if outcome is not Question.ANSWERED and isinstance(event, TextMessage):
                        await self._unanswered(chat_id, event.text, outcome, now)
                case Rated(screen, rating):
                    metrics.FEEDBACK_GIVEN.labels(rating.value).inc()
                    await storage.feedback.rate(chat_id if self._keeps_text else None,
                                                screen.code(), rating.value, now)
                case Commented(screen, text):
                    metrics.FEEDBACK_GIVEN.labels("comment").inc()
                    if self._keeps_text:
                        await storage.feedback.comment(
                            chat_id, Comment(screen.code(), text, language, now))
        # last: the tallies' statement adds, so it runs at most once and may fail with its
        # outcome unknown (bot/storage/sql.py); what comes before it is kept either way
        await storage.tallies.add(day, Tally.counts(effects))

    async def _unanswered(self, chat_id: int, text: str, outcome: Question, now: float
                          ) -> None:
        day = day_of(now)
        on, kept = self._unanswered_on.get(chat_id, (day, 0))
        kept = kept if on == day else 0
        if not self._keeps_text or kept >= UNANSWERED_PER_CHAT_PER_DAY:
            return
        self._unanswered_on[chat_id] = (day, kept + 1)
        question = " ".join(text.split())[:MAX_QUESTION_CHARS]  # as the conversation read it
        # The matcher's ranking, not the Reader's whole reading: for a question met with "did
        # you mean" or a decline the two rank alike (the Reader only ever turns one into an
        # answer), and the matcher alone is a small part of the Reader's cost.
        match = self._matcher.match(question)
        candidates = tuple(Candidate(m.entry_id, round(m.score, 3))
                           for m in match.matches[:SUGGESTIONS])
        await self._storage.unanswered.add(UnansweredQuestion(
            question, match.language, outcome.value, candidates, now))
