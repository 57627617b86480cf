"""Telegram's file_ids for the pictures: kept across restarts, forgotten when Telegram refuses
one, and all of a chat's gone in one call (what /forget needs). On each backend in turn."""

from __future__ import annotations

from bot.storage import Storage
from tests.storage_backends import Backend


async def test_a_file_id_survives_a_restart(backend: Backend) -> None:
    first = await backend.open()
    await first.pictures.remember("opener.en.abc", "AgAC-opener", chat_id=1)
    await first.close()
    again = await backend.open()
    assert await again.pictures.file_id("opener.en.abc") == "AgAC-opener"
    assert await again.pictures.file_id("opener.ru.abc") is None
    await again.close()


async def test_a_refused_file_id_is_forgotten_and_a_new_one_replaces_it(
        storage: Storage) -> None:
    pictures = storage.pictures
    await pictures.remember("key.en.1", "old", chat_id=1)
    await pictures.forget("key.en.1")
    assert await pictures.file_id("key.en.1") is None
    await pictures.remember("key.en.1", "new", chat_id=2)
    await pictures.remember("key.en.1", "newer", chat_id=3)
    assert await pictures.file_id("key.en.1") == "newer"


async def test_forgetting_a_chat_forgets_the_file_ids_its_uploads_made(
        storage: Storage) -> None:
    pictures = storage.pictures
    await pictures.remember("key.en.1", "from-chat-1", chat_id=1)
    await pictures.remember("opener.en.1", "also-from-chat-1", chat_id=1)
    await pictures.remember("opener.ru.1", "from-chat-2", chat_id=2)
    await pictures.forget_chat(1)
    assert await pictures.file_id("key.en.1") is None
    assert await pictures.file_id("opener.en.1") is None
    assert await pictures.file_id("opener.ru.1") == "from-chat-2"
