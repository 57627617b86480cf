"""Where chat state and the journal of handled updates live, between updates and restarts.

The rest of the bot reaches them only through `Storage` (interface.py), opened by
`open_storage`. SQLite (sqlite.py) is the default and needs nothing but a directory; another
backend, such as PostgreSQL, is one more module implementing the same protocols, chosen here.
"""

from __future__ import annotations

from bot.config import Settings
from bot.storage.interface import ChatStates, Storage, StorageError, UpdateJournal
from bot.storage.sqlite import SqliteStorage

__all__ = ["ChatStates", "SqliteStorage", "Storage", "StorageError", "UpdateJournal",
           "open_storage"]


async def open_storage(settings: Settings) -> Storage:
    """The backend the settings ask for; today always SQLite under BOT_DATA_DIR."""
    return SqliteStorage(settings.data_dir)
