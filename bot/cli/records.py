"""`python -m bot stats` and `python -m bot unanswered`: what the bot kept, read from
DATABASE_URL when set, else BOT_DATA_DIR (while it runs, too: SQLite lets readers in beside
the writer, and PostgreSQL any number of them).

    python -m bot stats [--lang ru]          the /stats report
    python -m bot unanswered [--since 7d]    questions it could not answer, by nearest entry
    python -m bot unanswered --yaml > new-phrasings.yaml   the same, to paste into knowledge/
    python -m bot unanswered --csv > unanswered.csv        what /unanswered sends

Every `python -m bot` parses these arguments, `run` too: the records' modules are imported by
the commands that use them, not here.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import ConfigError, Settings
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES
from bot.redactor import environment_secrets, print_error
from bot.storage import StorageError, open_existing_storage


def add_record_commands(commands: Any) -> None:  # argparse's private _SubParsersAction
    stats_parser = commands.add_parser("stats", help="the /stats report, from DATABASE_URL "
                                       "or BOT_DATA_DIR")
    stats_parser.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)
    listed = commands.add_parser("unanswered", help="questions it could not answer, from "
                                 "DATABASE_URL or BOT_DATA_DIR, grouped by nearest entry, most "
                                 "frequent first")
    listed.add_argument("--since", type=since, help="YYYY-MM-DD (UTC), or a number of days "
                        "back such as 7d (default: the whole retention period)")
    shown = listed.add_mutually_exclusive_group()
    shown.add_argument("--yaml", action="store_true", help="as phrasings to paste into "
                       "knowledge/entries/<entry>.yaml")
    shown.add_argument("--csv", action="store_true", help="as /unanswered's CSV file")


def since(given: str, now: float | None = None) -> float:
    """A date ("2026-11-01", UTC midnight) or days back ("7d") as a Unix time."""
    days = re.fullmatch(r"(\d{1,5})d", given.strip())
    if days:
        return ((time.time() if now is None else now)
                - timedelta(days=int(days.group(1))).total_seconds())
    try:
        return datetime.strptime(given.strip(), "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{given!r} is neither a date (2026-11-01) nor a "
                                         "number of days (7d)") from None


def run_record_command(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_environment(token_required=False)
        return asyncio.run(_stats(settings, args.lang) if args.command == "stats"
                           else _unanswered(settings, args))
    except (ConfigError, StorageError) as error:
        print_error(f"error: {error}", environment_secrets())
        return 1


async def _stats(settings: Settings, language: str) -> int:
    from bot.cli.startup import load
    from bot.records import stats

    knowledge = load().knowledge
    storage = await open_existing_storage(settings)
    try:
        figures = await stats.gather(storage, now=time.time(),
                                     retention_days=settings.unanswered_retention_days)
    finally:
        await storage.close()
    print(stats.plain_report(figures, knowledge, language))
    return 0


async def _unanswered(settings: Settings, args: argparse.Namespace) -> int:
    from bot.records import unanswered

    days = settings.unanswered_retention_days
    start = max(args.since or 0.0, time.time() - timedelta(days=days).total_seconds())
    storage = await open_existing_storage(settings)
    try:
        questions = await storage.unanswered.since(start)
    finally:
        await storage.close()
    if args.csv:
        sys.stdout.buffer.writelines(unanswered.as_csv(questions))
        return 0
    groups = unanswered.grouped(questions)
    if args.yaml:
        print(unanswered.as_phrasings(groups), end="")
        return 0
    day = datetime.fromtimestamp(start, UTC).strftime("%Y-%m-%d")
    print(f"{sum(q.times for q in questions)} questions it could not answer since {day} "
          f"(UNANSWERED_RETENTION_DAYS={days}), by nearest entry:")
    print("\n".join(unanswered.listing(groups)))
    return 0
