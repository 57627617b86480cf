"""Liveness for container orchestrators: the serving loop touches a file; `python -m bot
health` says whether it did so recently, and if not, why. Works the same for polling and
webhook mode.

`health` runs every 30 s in a container, so this module imports nothing of the bot's: reading
a file's age must not cost the imports of the knowledge and the framework."""

from __future__ import annotations

import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat"
STALE_AFTER_SECONDS = 90.0  # three long polls without a sign of life


class Heartbeat:
    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / HEARTBEAT_FILE
        self._last = 0.0

    def beat(self) -> None:
        now = time.time()
        if now - self._last >= 1.0:  # at most one write a second, however busy
            self.path.touch()
            self._last = now


def problem(data_dir: Path, now: float | None = None) -> str | None:
    """Why the bot is not healthy, in words for the operator; None when it is."""
    path = data_dir / HEARTBEAT_FILE
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return (f"no heartbeat at {path}: the bot has not started serving yet, or it uses "
                "another BOT_DATA_DIR")
    if age >= STALE_AFTER_SECONDS:
        return (f"the last heartbeat was {age:.0f} s ago (more than {STALE_AFTER_SECONDS:.0f}"
                " s): the bot is stuck, stopped, or cannot reach Telegram")
    return None


def is_alive(data_dir: Path, now: float | None = None) -> bool:
    return problem(data_dir, now) is None
