"""Shared helpers for the benchmark scripts (not a benchmark itself)."""

from __future__ import annotations

import math
import os
import platform
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `tests.fake_telegram` is not installed; `bot` is (editable)
    sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
TOKEN = "123456789:AAbenchTokenForLocalFakeServer000"


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of unsorted values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM / VmSize of a process, in kB, from /proc/<pid>/status."""
    found: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM", "VmSize"):
                found[key] = int(rest.split()[0])
    return found


def machine_line() -> str:
    load = os.getloadavg()
    return (f"python {platform.python_version()} on {platform.machine()}, "
            f"{os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def code_state() -> str:
    """Which code was measured: HEAD, and whether bot/ or knowledge/ had uncommitted edits."""
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  check=True).stdout.rstrip()
        except (OSError, subprocess.CalledProcessError):
            return "?"

    dirty = git("status", "--porcelain", "--", "bot", "knowledge")
    changed = sorted({line[3:].split("/")[0] + "/" + line[3:].split("/")[1]
                      for line in dirty.splitlines() if "/" in line[3:]})
    return f"code: HEAD {git('rev-parse', '--short', 'HEAD')}" + (
        f" + uncommitted edits in {', '.join(changed)}" if changed else " (clean)")


def bot_env(api_url: str, data_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment `python -m bot run` (or bench/echo_bot.py) is configured by."""
    env = dict(os.environ)
    env.update({
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "BOT_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra or {})
    return env


def system_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine, all cores, from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / ticks, sum(fields) / ticks
