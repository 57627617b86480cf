"""Handle-then-confirm while the chats are not served yet (the receiver starts before the
conversation is built): what waits keeps its chat's order, and what a stop cancels is
neither handled nor journalled, so Telegram hands it back to the next start. A real
Application over the local Bot API server, a real journal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.storage import Storage
from bot.telegram.inbound import HandleThenConfirm
from tests.fake_telegram import FakeTelegram

CHAT = 4700
App = Application[Any, Any, Any, Any, Any, Any]


@pytest.fixture
async def application(server: FakeTelegram) -> AsyncIterator[tuple[App, list[int]]]:
    """An Application whose one handler notes the update ids it was given, in order."""
    handled: list[int] = []

    async def note(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        handled.append(update.update_id)

    app = (Application.builder().token(server.token).base_url(f"{server.base_url}/bot")
           .updater(None).concurrent_updates(8).build())
    app.add_handler(MessageHandler(filters.ALL, note))
    async with app:
        yield app, handled


def message(update_id: int, app: App) -> Update:
    person = {"id": CHAT, "is_bot": False, "first_name": "Owner"}
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": f"message {update_id}", "from": person,
        "chat": {"id": CHAT, "type": "private", "first_name": "Owner"}}}, app.bot)


async def test_a_chats_messages_keep_their_order_across_the_moment_it_is_served(
        application: tuple[App, list[int]], storage: Storage) -> None:
    app, handled = application
    served: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    handle = HandleThenConfirm(app, storage.journal, storage.chat_locks, served=served)
    waiting = [asyncio.create_task(handle(message(n, app))) for n in (1, 2)]
    await asyncio.sleep(0)  # both begun, both waiting for the chats to be served
    served.set_result(None)
    third = asyncio.create_task(handle(message(3, app)))  # arrives in that very tick
    await asyncio.gather(*waiting, third)
    assert handled == [1, 2, 3]
    assert [await storage.journal.is_handled(n) for n in (1, 2, 3)] == [True] * 3


async def test_what_a_stop_before_serving_cancels_is_neither_handled_nor_journalled(
        application: tuple[App, list[int]], storage: Storage) -> None:
    app, handled = application
    served: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    handle = HandleThenConfirm(app, storage.journal, storage.chat_locks, served=served)
    waiting = asyncio.create_task(handle(message(1, app)))
    await asyncio.sleep(0)
    served.cancel()  # Runner.stop() before the chats were served
    with pytest.raises(asyncio.CancelledError):
        await waiting
    with pytest.raises(asyncio.CancelledError):  # and one that comes after the stop
        await handle(message(2, app))
    assert handled == []
    assert [await storage.journal.is_handled(n) for n in (1, 2)] == [False, False]
