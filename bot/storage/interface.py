"""The storage interface: what the Telegram layer needs from any backend, and nothing more.

Every method is a coroutine, so a backend that talks to a server over the network (PostgreSQL
through psycopg) awaits its driver, while SQLite, a local write, simply returns. Callers never
hold a transaction across awaits: a chat's read-modify-write is kept atomic by the Telegram
layer, which handles one update per chat at a time (bot/telegram/inbound/chat_order.py), not by
the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

from bot.dialog.state import ChatState

RETENTION_SECONDS = 2 * 24 * 3600  # handled ids kept: Telegram keeps unconfirmed updates 24 h


class StorageError(Exception):
    """The store cannot be used as it is (written by a newer bot, say); the message says what
    to do. Nothing in it has been changed."""


class ChatStates(Protocol):
    """Each chat's ChatState, one record per chat id."""

    async def load(self, chat_id: int) -> ChatState:
        """The chat's state; a fresh ChatState for a chat never seen or a damaged record."""
        ...

    async def save(self, chat_id: int, state: ChatState) -> None:
        """Durable once it returns: a crash after it never loses the state."""
        ...


class UpdateJournal(Protocol):
    """Which Telegram updates have been handled, and which were set aside to handle later.

    The bot confirms an update to Telegram only once it has been handled, so after a crash
    Telegram hands back everything unconfirmed; the journal tells the ones already answered.
    An update still in progress when a whole batch piles up behind it is "set aside": its
    payload written here so that Telegram may forget it; a restart handles those first.
    """

    async def is_handled(self, update_id: int) -> bool: ...

    async def mark_handled(self, update_id: int) -> None:
        """Also drops the update from the set-aside ones, if it was there."""
        ...

    async def set_aside(self, update_id: int, payload: dict[str, Any]) -> None: ...

    async def prune(self) -> None:
        """Forgets handled ids older than RETENTION_SECONDS
        (bot/telegram/wiring/housekeeping.py asks at start-up and hourly, busy or quiet)."""
        ...

    async def set_aside_updates(self) -> list[dict[str, Any]]:
        """Payloads of updates set aside and not yet handled, oldest first."""
        ...


class PictureFiles(Protocol):
    """Telegram's file_id for each picture the bot uploaded, so that a picture goes up once
    and is sent again by its file_id, after a restart too.

    A file_id works in every chat of the bot, so one record serves all chats; it names the
    chat whose upload made it, so that forgetting a chat (/forget) forgets those records with
    one call, and the next chat to need the picture uploads it afresh.
    """

    async def file_id(self, key: str) -> str | None:
        """The file_id stored for a picture's key (bot.pictures.Gallery.key), if any."""
        ...

    async def remember(self, key: str, file_id: str, chat_id: int) -> None: ...

    async def forget(self, key: str) -> None:
        """Telegram refused the stored file_id: the picture is uploaded afresh next time."""
        ...

    async def forget_chat(self, chat_id: int) -> None:
        """Every record the chat's uploads made."""
        ...


class ChatLocks(Protocol):
    """Several bot processes sharing one store (webhook replicas behind a load balancer) must
    not handle two updates of one chat at the same time: each would load the same state and
    the later save would undo the earlier. Within one process, chat_order.py already keeps a
    chat's turns apart; this keeps them apart across processes."""

    def hold(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """The chat is this process's until the block ends; a process that dies lets go."""
        ...


class PollerLease(Protocol):
    """Telegram answers a second poller of the same bot with 409 Conflict: of the processes
    sharing a store, only the holder of the lease polls; the others stand by."""

    async def acquire(self) -> None:
        """Returns once this process holds the lease (at once, if nothing else can)."""
        ...

    async def until_lost(self) -> None:
        """Returns if the lease is lost (the store stopped answering): stop polling then."""
        ...

    async def release(self) -> None: ...


# -- what the people who run the bot are told (bot/records) --------------------------------------
#
# None of it holds a name or a user id. Where a record is tied to a chat (last seen, a rating,
# a comment), `Storage.forget_chat` deletes the tie; what people wrote (comments, questions it
# could not answer) and any tie of a rating to a chat go after the retention period
# (`Storage.expire`). Times are Unix seconds and days are UTC "YYYY-MM-DD", both given by the
# caller, so a backend keeps no clock of its own.


class ChatActivity(Protocol):
    """When each chat was last seen: the "chats active today / 7 days / in all" of /stats."""

    async def seen(self, chat_id: int, at: float) -> None: ...

    async def count_since(self, since: float) -> int:
        """Chats seen at or after `since`; every chat known when `since` is 0."""
        ...


class Tallies(Protocol):
    """Counts per UTC day of what happened (a question answered, an answer shown, a way
    that opened the boot...), each optionally about one subject (an entry, a screen)."""

    async def add(self, day: str, counts: Mapping[tuple[str, str], int]) -> None:
        """Adds each (name, subject) count to the day's, all in one transaction (a turn's
        counts: one commit, not one per count), at most once: a failure whose outcome is
        unknown is raised, never tried again to count twice."""
        ...

    async def totals(self, since_day: str = "") -> dict[tuple[str, str], int]:
        """(name, subject) -> the sum of the counts of `since_day` and later days."""
        ...


@dataclass(frozen=True)
class Comment:
    subject: str  # the screen it is about: "answer.lid-button", "worked.key-fob", "end"
    text: str
    language: str
    written_at: float


class FeedbackRecords(Protocol):
    """👍 / 👎 on a screen (one rating per chat and screen: a later one replaces it), and
    what people wrote after a 👎."""

    async def rate(self, chat_id: int | None, subject: str, rating: str, at: float) -> None:
        """`chat_id` None: a rating that counts but is tied to no chat."""
        ...

    async def ratings(self) -> dict[tuple[str, str], int]:
        """(subject, rating) -> how many."""
        ...

    async def comment(self, chat_id: int | None, comment: Comment) -> None: ...

    async def comments(self, since: float = 0.0) -> list[Comment]:
        """Oldest first."""
        ...


@dataclass(frozen=True)
class Candidate:
    entry_id: str
    score: float  # the matcher's, 0..1


@dataclass(frozen=True)
class UnansweredQuestion:
    """A question that got "did you mean" or a decline; never who asked it."""

    text: str
    language: str
    outcome: str  # "did_you_mean" or "declined"
    candidates: tuple[Candidate, ...]  # the matcher's nearest entries, nearest first
    asked_at: float  # the last time it was asked
    times: int = 1  # how often, in these very words and this language


UNANSWERED_KEPT = 10_000  # wordings at most; the oldest go first (Storage.expire)


class UnansweredQuestions(Protocol):
    async def add(self, question: UnansweredQuestion) -> None:
        """Kept once per wording and language: asked again, its count and time go up (and
        its candidates become the latest), so a question repeated fills nothing."""
        ...

    async def since(self, since: float = 0.0) -> list[UnansweredQuestion]:
        """Asked at or after `since`, oldest first."""
        ...


class Storage(Protocol):
    """One backend: every record, opened together and closed together."""

    @property
    def chats(self) -> ChatStates: ...

    @property
    def journal(self) -> UpdateJournal: ...

    @property
    def chat_locks(self) -> ChatLocks: ...

    @property
    def poller_lease(self) -> PollerLease: ...

    @property
    def pictures(self) -> PictureFiles: ...

    @property
    def activity(self) -> ChatActivity: ...

    @property
    def tallies(self) -> Tallies: ...

    @property
    def feedback(self) -> FeedbackRecords: ...

    @property
    def unanswered(self) -> UnansweredQuestions: ...

    async def forget_chat(self, chat_id: int) -> None:
        """Deletes everything kept about one chat, in one transaction: its state, when it was
        last seen, its comments, the pictures its uploads stored, and the tie of its ratings to
        it (they still count). A record added per chat adds its delete here: /forget relies on
        it."""
        ...

    async def expire(self, before: float, keep_questions: int = UNANSWERED_KEPT) -> None:
        """Deletes what people wrote before `before` (unanswered questions, comments) and
        unties older ratings from their chats: the retention period's end. Of the unanswered
        questions, the `keep_questions` latest stay at most."""
        ...

    async def close(self) -> None: ...
