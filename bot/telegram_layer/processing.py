"""Hands one update to the Application, the same way for the poller and the webhook.

Also works around a python-telegram-bot 22 behaviour that would make memory grow with every
chat ever seen: Application.process_update marks each update's chat and user ids "to be
written to persistence", and only the persistence job empties those sets, a job that never
runs when the Application has no persistence. Our state lives in our own SQLite, so there is
none, and the sets would grow by two ids per chat forever (about 14 MB per 100,000 chats).
The attributes are private: read with getattr, so a framework change makes this a no-op
rather than an error.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application

_PERSISTENCE_MARKS = ("_chat_ids_to_be_updated_in_persistence",
                      "_user_ids_to_be_updated_in_persistence")


async def process(application: Application, update: Update) -> None:  # type: ignore[type-arg]
    """Per-chat order and cross-chat concurrency come from the update processor."""
    try:
        await application.update_processor.process_update(
            update, application.process_update(update)
        )
    finally:
        forget_persistence_marks(application)


def forget_persistence_marks(application: Application) -> None:  # type: ignore[type-arg]
    if application.persistence is not None:
        return
    for name in _PERSISTENCE_MARKS:
        marks = getattr(application, name, None)
        if isinstance(marks, set):
            marks.clear()
