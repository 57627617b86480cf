"""A workaround for python-telegram-bot, kept in one place (stray_parse_mode.py is the other).

Application.process_update marks each handled update's chat id and user id "to be written to
persistence" (Application._mark_for_persistence_update), and only update_persistence() empties
those two sets. Without a persistence that method returns before touching them, so with no
persistence (ours: chat state lives in bot.storage) the sets grow by two ids per chat ever
seen, forever (bench/memory.py shows the growth).

The attributes are private: read with getattr, so a framework change makes this a no-op rather
than an error. tests/unit/test_framework_workaround.py fails when the framework fixes or
changes this, so the workaround can then go. No upstream report was found (searched python-
telegram-bot's tracker, November 2026); the report to file is described in that test.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

PERSISTENCE_MARKS = ("_chat_ids_to_be_updated_in_persistence",
                     "_user_ids_to_be_updated_in_persistence")


def forget_persistence_marks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Call after each processed update; does nothing when there is a persistence."""
    if application.persistence is not None:
        return
    for name in PERSISTENCE_MARKS:
        marks = getattr(application, name, None)
        if isinstance(marks, set):
            marks.clear()
