"""The storage interface: what the delivery layer needs from any backend, and nothing more.

Every method is a coroutine, so a backend that talks to a server over the network (PostgreSQL
through asyncpg or psycopg) awaits its driver, while SQLite, a sub-millisecond local write,
simply returns. Callers never hold a transaction across awaits: a chat's read-modify-write is
kept atomic by the delivery layer, which handles one update per chat at a time
(bot/delivery/chat_order.py), not by the store.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from bot.dialog.state import ChatState

RETENTION_SECONDS = 2 * 24 * 3600  # handled ids kept: Telegram keeps unconfirmed updates 24 h
PRUNE_EVERY = 1000  # handled updates between two prunes of the old ones


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


class Storage(Protocol):
    """One backend: all its records, opened together and closed together."""

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

    async def close(self) -> None: ...
