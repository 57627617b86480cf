"""Every metric the bot exports, defined once, in prometheus-client's default registry.

Module-level, as prometheus-client intends: the place that sees something happen counts it
with one line (metrics.REPLIES.labels(...).inc()), with no object to pass around. The default
registry also carries the process's own CPU, memory and open files. Every label has a small,
fixed set of values; all of them are listed here and start at 0, so a dashboard shows a
series before the first event of its kind.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram

from bot.dialog.events import Command, Event, Tap, TextMessage, Unsupported
from bot.dialog.reply import ReplyKind

if TYPE_CHECKING:
    from bot.storage.interface import ChatActivity

PREFIX = "trunk_bot"
EVENT_KINDS = ("command", "text", "tap", "sticker", "photo", "voice", "video_note", "video",
               "animation", "audio", "document", "location", "venue", "contact", "poll",
               "dice", "inline_query", "other")
QUESTION_OUTCOMES = ("answered", "did_you_mean", "declined")
HOW_SHOWN = ("sent", "edited", "already_shown")
FAILURES = ("refused", "given_up")
RETRY_POLICIES = ("in_transit", "redelivery", "polling")
FLOOD_VERDICTS = ("warn", "drop", "over_budget")
FEEDBACK = ("up", "down", "comment")
PERIODS = ("day", "week", "all")

UPDATES = Counter(f"{PREFIX}_updates", "Updates handled, by what the user did: command, "
                  "text, tap, or the kind of message the bot cannot read (sticker, photo...)",
                  ["kind"])
DUPLICATE_UPDATES = Counter(f"{PREFIX}_duplicate_updates", "Updates Telegram delivered again "
                            "after they had been answered (after a crash); skipped")
UPDATES_IN_PROGRESS = Gauge(f"{PREFIX}_updates_in_progress", "Updates being handled now")
UPDATE_SECONDS = Histogram(
    f"{PREFIX}_update_seconds", "Handling latency: from taking an update to its replies "
    "shown (or given up), waiting behind the chat's earlier updates included",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
REPLIES = Counter(f"{PREFIX}_replies", "Replies shown, by reply kind and how: sent, edited "
                  "into the tapped message, or already shown there (a repeated tap)",
                  ["kind", "how"])
SEND_FAILURES = Counter(f"{PREFIX}_send_failures", "Replies not shown: refused by Telegram "
                        "(blocked by the user, a bad request) or given up after every retry",
                        ["reason"])
RETRIES = Counter(f"{PREFIX}_retries", "Retries by policy: in_transit (5xx, dropped "
                  "connection, timeout), redelivery (a reply still not accepted), polling "
                  "(getUpdates failing)", ["policy"])
RATE_LIMITED = Counter(f"{PREFIX}_rate_limited", "429 Too Many Requests from Telegram")
RATE_LIMITED_SECONDS = Counter(f"{PREFIX}_rate_limited_wait_seconds", "Seconds Telegram asked "
                               "the bot to wait in its 429s (retry_after)")
QUESTIONS = Counter(f"{PREFIX}_questions", "Typed questions by what they got: answered (an "
                    "answer or the run through the ways), did_you_mean, declined", ["outcome"])
FEEDBACK_GIVEN = Counter(f"{PREFIX}_feedback", "Ratings (up, down) and comments after a down",
                         ["what"])
FLOOD = Counter(f"{PREFIX}_flood", "Updates the flood guard cut short: warn (\"slow down\" "
                "said once), drop (handled silently), over_budget (a user's inline query or "
                "tap beyond their budget: dropped before any work)", ["verdict"])
ACTIVE_CHATS = Gauge(f"{PREFIX}_active_chats", "Chats seen in the last 24 hours, 7 days, or "
                     "ever (kept until /forget); read from storage when scraped", ["period"])

for _labels, _metric in ((EVENT_KINDS, UPDATES), (QUESTION_OUTCOMES, QUESTIONS),
                         (FAILURES, SEND_FAILURES), (RETRY_POLICIES, RETRIES),
                         (FLOOD_VERDICTS, FLOOD), (FEEDBACK, FEEDBACK_GIVEN),
                         (PERIODS, ACTIVE_CHATS)):
    for _value in _labels:
        _metric.labels(_value)
for _kind in ReplyKind:
    for _how in HOW_SHOWN:
        REPLIES.labels(_kind.value, _how)


def event_label(event: Event) -> str:
    """What the user did, as UPDATES' label: the Unsupported event's own kind says which
    kind of message the bot could not read."""
    match event:
        case Command():
            return "command"
        case TextMessage():
            return "text"
        case Tap():
            return "tap"
        case Unsupported():
            return event.kind if event.kind in EVENT_KINDS else "other"


DAY = 24 * 3600.0
# Brings a gauge up to date just before a scrape of /metrics.
Refresh = Callable[[], Awaitable[None]]


def active_chats_refresh(activity: ChatActivity, clock: Callable[[], float] = time.time
                         ) -> Refresh:
    """Sets the active-chats gauge from storage, just before each scrape: always current,
    and no background task to start and stop."""
    async def refresh() -> None:
        now = clock()
        for period, since in (("day", now - DAY), ("week", now - 7 * DAY), ("all", 0.0)):
            ACTIVE_CHATS.labels(period).set(await activity.count_since(since))
    return refresh
