"""`python -m bot backup FILE`: a consistent copy of the SQLite store, safe while the bot runs.

SQLite's online backup API copies the database as one read transaction: in WAL mode the bot
goes on writing meanwhile, and the copy is the store as of one instant, never a torn file
(copying chats.sqlite3 with cp while the bot runs can be). PostgreSQL has pg_dump for this
(README: Backups and upgrades).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.storage.sqlite import DATABASE_NAME


def backup(target: Path) -> int:
    try:
        settings = Settings.from_environment(token_required=False)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    if settings.database_url is not None:
        print("error: DATABASE_URL is set, so the store is PostgreSQL: back it up with "
              "pg_dump (README: Backups and upgrades)", file=sys.stderr)
        return 1
    source = settings.data_dir / DATABASE_NAME
    if not source.is_file():
        print(f"error: no bot data in BOT_DATA_DIR={settings.data_dir}: set it to the "
              "directory the running bot uses", file=sys.stderr)
        return 1
    if target.exists():
        print(f"error: {target} exists; give a new file name", file=sys.stderr)
        return 1
    partial = target.with_name(f".{target.name}.partial")
    # what people wrote is in it: only the owner may read the copy
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        with (contextlib.closing(sqlite3.connect(source)) as db,
              contextlib.closing(sqlite3.connect(partial)) as copy):
            db.backup(copy)
        partial.replace(target)  # a file at `target` is always a whole copy
    finally:
        partial.unlink(missing_ok=True)
    print(f"backed up {source} to {target} ({target.stat().st_size:,} bytes)")
    return 0
