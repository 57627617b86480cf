"""Liveness for container orchestrators: the serving loop touches a file; `python -m bot
health` says whether it did so recently. Works the same for polling and webhook mode."""

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


def is_alive(data_dir: Path, now: float | None = None) -> bool:
    path = data_dir / HEARTBEAT_FILE
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return False
    return age < STALE_AFTER_SECONDS
