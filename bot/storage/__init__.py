"""Where chat state and the journal of handled updates live, between updates and restarts.

The rest of the bot reaches them only through `Storage` (interface.py), opened by
`open_storage`. SQLite (sqlite.py) is the default and needs nothing but a directory;
PostgreSQL (postgres.py), chosen by DATABASE_URL, lets several bot processes share one bot.
"""

from __future__ import annotations

from bot.config import ConfigError, Settings
from bot.redactor import Redactor, database_address
from bot.storage.interface import (
    ChatLocks,
    ChatStates,
    PictureFiles,
    PollerLease,
    Storage,
    StorageError,
    UpdateJournal,
)
from bot.storage.sqlite import DATABASE_NAME, SqliteStorage
from bot.storage.sqlite_guard import DataDirLock, check_database, claim_data_dir

__all__ = ["ChatLocks", "ChatStates", "DataDirLock", "PictureFiles", "PollerLease",
           "SqliteStorage", "Storage", "StorageError", "UpdateJournal", "claim_data_dir",
           "describe_storage", "open_existing_storage", "open_storage"]


async def open_storage(settings: Settings, *, existing: bool = False) -> Storage:
    """PostgreSQL when DATABASE_URL is set, else SQLite under BOT_DATA_DIR. A database that
    does not answer is a ConfigError naming DATABASE_URL (its password never shown); a store
    from a newer bot, a damaged one, or none at all when `existing`, is a StorageError naming
    where."""
    if settings.database_url is None:
        if existing and not (settings.data_dir / DATABASE_NAME).exists():
            raise StorageError(f"no bot data in BOT_DATA_DIR={settings.data_dir}: set it to "
                               "the directory the running bot uses")
        check_database(settings.data_dir / DATABASE_NAME)
        return SqliteStorage(settings.data_dir)
    from bot.storage.postgres import PostgresStorage
    from bot.storage.postgres_connections import DatabaseUnavailable

    where = f"DATABASE_URL={database_address(settings.database_url)}"
    try:
        return await PostgresStorage.open(settings.database_url, create=not existing)
    except DatabaseUnavailable as error:
        message = Redactor(settings.secrets())(str(error))
        raise ConfigError(f"{where}: {message}; check the host, port, user, password and "
                          "database name, and that the server is running") from None
    except StorageError as error:
        raise StorageError(f"{where}: {error}") from None


async def open_existing_storage(settings: Settings) -> Storage:
    """For the commands that only read what the bot kept (stats, unanswered): a wrong
    BOT_DATA_DIR or DATABASE_URL is an error, not a new empty store."""
    return await open_storage(settings, existing=True)


def describe_storage(settings: Settings) -> str:
    """For the start-up log line: where state is kept, without the password."""
    if settings.database_url is None:
        return f"SQLite in {settings.data_dir}"
    return f"PostgreSQL at {database_address(settings.database_url)}"
