"""What keeps the SQLite store sound before the bot serves from it (POSIX: fcntl's flock).

- BOT_DATA_DIR must be a directory the bot can write: anything else stops start-up with a
  message naming the setting, not a traceback.
- One serving process per data directory: SQLite's store has no cross-process chat locks
  or poller lease (PostgreSQL's store has both), and two pollers of one bot only fight with
  409s. The lock is an flock on a file in the directory, so it dies with the process,
  kill -9 included; the commands that only read (stats, unanswered, backup) do not take it.
- A damaged database file is found by SQLite's quick_check before anything writes to it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
from pathlib import Path

from bot.config import ConfigError
from bot.storage.interface import StorageError

LOCK_FILE = "bot.lock"


class DataDirLock:
    """Held from start to stop of the process serving from the directory."""

    def __init__(self, fd: int) -> None:
        self._fd: int | None = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops its flock
            self._fd = None


def claim_data_dir(data_dir: Path) -> DataDirLock:
    """Creates the directory if missing (only its owner may enter: it holds what people
    wrote) and locks it for this process; a ConfigError naming BOT_DATA_DIR otherwise."""
    where = f"BOT_DATA_DIR={data_dir}"
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"{where} is a file, not a directory: point BOT_DATA_DIR at a "
                          "directory (it is created if missing)")
    try:
        data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(data_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise ConfigError(f"{where} cannot be written ({error.strerror}): give the bot's "
                          "user write access to it, or point BOT_DATA_DIR at another "
                          "directory") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise ConfigError(f"{where} is in use by another bot process (pid {holder}): run one "
                          "process per data directory, or share a PostgreSQL database "
                          "(DATABASE_URL) to run more than one") from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return DataDirLock(fd)


def check_database(path: Path) -> None:
    """SQLite's quick_check (the b-trees' structure, without cross-checking indexes: a
    fraction of a second on a large store) on an existing file; a StorageError naming the
    file and what to do when it fails. Nothing is written but what SQLite recovers from
    its own write-ahead log, as any connection would."""
    if not path.exists():
        return
    try:
        with contextlib.closing(sqlite3.connect(path)) as db:  # not read-only: WAL needs -shm
            found = [row[0] for row in db.execute("PRAGMA quick_check(3)")]
    except sqlite3.DatabaseError as error:
        found = [str(error)]
    if found != ["ok"]:
        raise StorageError(f"{path} is damaged ({'; '.join(found)}): restore it from a backup "
                           "(README: Backups and upgrades), or move it away to start afresh; "
                           "nothing was changed")
