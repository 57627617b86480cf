"""getUpdates semantics (offset, limit, long polling, conflicts), a whole PTB Application
polling the fake, and webhook delivery."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram

CHAT = 31337


async def test_offset_confirms_and_limit_caps(server: FakeTelegram, bot: Bot) -> None:
    for text in ("one", "two", "three"):
        server.user_sends(CHAT, text)
    first = await bot.get_updates(limit=2)
    assert [u.update_id for u in first] == [1, 2]
    again = await bot.get_updates()  # nothing confirmed yet
    assert [u.update_id for u in again] == [1, 2, 3]
    rest = await bot.get_updates(offset=3)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=4) == ()
    assert await bot.get_updates(offset=1) == ()  # confirmed updates are gone for good
    server.user_sends(CHAT, "four")
    server.user_sends(CHAT, "five")
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == [5]
    assert [u["update_id"] for u in server.pending_updates] == [5]


async def test_long_poll_wakes_on_new_update(server: FakeTelegram, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.2)
        server.user_sends(CHAT, "wake up")

    started = time.monotonic()
    task = asyncio.create_task(later())
    updates = await bot.get_updates(timeout=5)
    await task
    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert time.monotonic() - started < 2


async def test_long_poll_returns_empty_after_timeout(server: FakeTelegram, bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_newer_poll_terminates_older_one(server: FakeTelegram) -> None:
    async with (
        Bot(server.token, base_url=server.api_base_url) as first,
        Bot(server.token, base_url=server.api_base_url) as second,
    ):
        older = asyncio.create_task(first.get_updates(timeout=5))
        await server.wait_for_call("getUpdates")
        newer = asyncio.create_task(second.get_updates(timeout=5))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await older
        server.user_sends(CHAT, "for the survivor")
        assert len(await newer) == 1
    server.rejections.clear()  # the 409 was the point of this test


async def test_allowed_updates_filters_new_updates(server: FakeTelegram, bot: Bot) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    server.user_sends(CHAT, "ignored")  # not wanted: Telegram never stores it
    assert server.pending_updates == []
    await bot.get_updates(allowed_updates=[])  # back to the default
    server.user_sends(CHAT, "kept")
    assert len(await bot.get_updates()) == 1


async def test_stop_ends_pending_long_poll_quickly() -> None:
    fake = FakeTelegram()
    await fake.start()
    async with Bot(fake.token, base_url=fake.api_base_url) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        await fake.wait_for_call("getUpdates")
        started = time.monotonic()
        await fake.stop()
        await asyncio.wait_for(poll, 5)
        assert time.monotonic() - started < 3


async def test_restart_keeps_port_and_state(server: FakeTelegram, bot: Bot) -> None:
    server.user_sends(CHAT, "before restart")
    port = server.port
    await server.stop()
    await server.start()
    assert server.port == port
    (update,) = await bot.get_updates()
    assert update.message is not None and update.message.text == "before restart"


async def test_whole_application_over_polling(server: FakeTelegram) -> None:
    """A miniature bot, polled the way the real one will be."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
        await update.effective_message.reply_html("<b>Welcome</b>", reply_markup=markup)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None and update.effective_message.text
        await update.effective_message.reply_text(update.effective_message.text.upper())

    async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"You pressed {query.data}")

    app = Application.builder().token(server.token).base_url(server.api_base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(tapped))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=2)

        server.user_sends(CHAT, "/start")
        welcome = await server.wait_for_bot_message(CHAT)
        assert welcome.text == "Welcome" and welcome.callback_data == ["go"]

        server.user_sends(CHAT, "open the boot")
        assert (await server.wait_for_bot_message(CHAT)).text == "OPEN THE BOOT"

        query_id = server.user_taps(CHAT, welcome.message_id, "go")
        await server.wait_for_callback_answer(query_id)
        edited = await server.wait_for_edit(CHAT, welcome.message_id)
        assert edited.text == "You pressed go" and edited.reply_markup is None

        await app.updater.stop()
        await app.stop()
    assert server.pending_updates == []  # PTB confirmed everything on shutdown


async def test_bot_restart_against_the_same_server(server: FakeTelegram) -> None:
    """Stopping a polling Application cancels its long poll and polls once more; neither a
    second Application nor that hand-over may look like a rejection."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo {update.effective_message.text}")

    for run in range(2):
        app = Application.builder().token(server.token).base_url(server.api_base_url).build()
        app.add_handler(MessageHandler(filters.TEXT, echo))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=10)
            server.user_sends(CHAT, f"run {run}")
            assert (await server.wait_for_bot_message(CHAT)).text == f"echo run {run}"
            await app.updater.stop()
            await app.stop()
    assert server.pending_updates == []


async def test_webhook_delivery_with_secret(server: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json())
        )
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="top_secret")
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
        server.user_sends(CHAT, "via webhook")
        assert await server.deliver_webhook() == 200
        assert server.pending_updates == []
        assert await server.deliver_webhook({"message": server.history(CHAT)[0]}) == 200
    finally:
        await runner.cleanup()
    assert [secret for secret, _ in received] == ["top_secret", "top_secret"]
    assert received[0][1]["update_id"] == 1 and received[1][1]["update_id"] == 2
    await bot.delete_webhook()
    assert await bot.get_updates() == ()
