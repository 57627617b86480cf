"""Where chat state and the journal of handled updates live, between updates and restarts.

The rest of the bot reaches them only through `Storage` (interface.py), opened by
`open_storage`. SQLite (sqlite.py) is the default and needs nothing but a directory; another
backend, such as PostgreSQL, is one more module implementing the same protocols, chosen here.
"""

from __future__ import annotations

from bot.config import Settings
from bot.storage.interface import ChatStates, PictureFiles, Storage, StorageError, UpdateJournal
from bot.storage.sqlite import DATABASE_NAME, SqliteStorage

__all__ = ["ChatStates", "PictureFiles", "SqliteStorage", "Storage", "StorageError",
           "UpdateJournal", "open_existing_storage", "open_storage"]


async def open_storage(settings: Settings) -> Storage:
    """The backend the settings ask for; today always SQLite under BOT_DATA_DIR."""
    return SqliteStorage(settings.data_dir)


async def open_existing_storage(settings: Settings) -> Storage:
    """For the commands that only read what the bot kept (stats, unanswered): a wrong
    BOT_DATA_DIR is an error, not a new empty store."""
    if not (settings.data_dir / DATABASE_NAME).exists():
        raise StorageError(f"no bot data in BOT_DATA_DIR={settings.data_dir}: set it to the "
                           "directory the running bot uses")
    return await open_storage(settings)
