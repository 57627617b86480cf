"""Pictures over the real Bot API path, in both languages: the first showing uploads the PNG,
every later one (after a restart too) reuses Telegram's file_id, a file_id Telegram refuses
is uploaded afresh, and a walk through steps with pictures keeps Back and Next in place."""

from __future__ import annotations

import pytest

from bot.cli.startup import Loaded
from bot.pictures.drawing import MIN_WIDTH
from tests.e2e.conftest import RunningBot, User
from tests.e2e.test_journeys import step_of, ui
from tests.fake_telegram import FakeTelegram

LANGUAGES = ("en", "ru")
OPENER_BUTTON = {"en": "🔘 Opener above the plate", "ru": "🔘 Кнопка над номером"}
SCHEMATIC = {"en": "Schematic", "ru": "Схема"}


def owner(server: FakeTelegram, language: str, chat_id: int = 7000) -> User:
    return User(server, chat_id=chat_id + LANGUAGES.index(language), language_code=language)


def sent_photos(server: FakeTelegram) -> list[object]:
    """What each sendPhoto carried: the upload, or a file_id (a string)."""
    return [call.params["photo"] for call in server.calls if call.method == "sendPhoto"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_first_picture_is_uploaded_then_sent_by_file_id(
        server: FakeTelegram, running_bot: RunningBot, language: str) -> None:
    first = owner(server, language)
    (step,) = await first.send(OPENER_BUTTON[language])
    assert step.photo is not None and SCHEMATIC[language] in (step.text or "")
    assert step_of(step.text or "") == (1, 4)
    (upload,) = server.uploads
    assert upload.width >= MIN_WIDTH
    second = owner(server, language, chat_id=7100)
    (again,) = await second.send(OPENER_BUTTON[language])
    assert again.photo is not None
    assert again.photo["file_unique_id"] == step.photo["file_unique_id"]
    assert len(server.uploads) == 1, "the second chat got the picture by its file_id"
    assert isinstance(sent_photos(server)[-1], str)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_after_a_restart_the_stored_file_id_is_reused(
        server: FakeTelegram, running_bot: RunningBot, language: str) -> None:
    key = {"en": "🔑 Key fob", "ru": "🔑 Брелок"}[language]
    await owner(server, language).send(key)
    assert len(server.uploads) == 1
    await running_bot.restart()
    (step,) = await owner(server, language, chat_id=7200).send(key)
    assert step.photo is not None and len(server.uploads) == 1
    assert isinstance(sent_photos(server)[-1], str), "sent by the file_id stored before"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_file_id_telegram_refuses_is_uploaded_afresh(
        server: FakeTelegram, running_bot: RunningBot, language: str) -> None:
    await owner(server, language).send(OPENER_BUTTON[language])
    server.forget_files()  # as if the file_id came from another bot token
    (step,) = await owner(server, language, chat_id=7300).send(OPENER_BUTTON[language])
    assert step.photo is not None and SCHEMATIC[language] in (step.text or "")
    assert len(server.uploads) == 2
    refused = [r for r in server.rejections if r.method == "sendPhoto"]
    assert len(refused) == 1 and "wrong file identifier" in refused[0].description
    server.rejections.clear()
    (third,) = await owner(server, language, chat_id=7400).send(OPENER_BUTTON[language])
    assert third.photo is not None and len(server.uploads) == 2, "the new file_id is kept"


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_walk_with_pictures_keeps_back_and_next_in_place(
        server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str) -> None:
    user = owner(server, language, chat_id=7500)
    _, menu = await user.send("/start", count=2)
    ways = await user.tap(menu, ui(loaded, "button_ways", language))
    release = loaded.knowledge.entry("interior-release").title.in_(language)
    step = await user.tap(ways, release)  # the menu's text becomes the first step's photo
    assert step.message_id == menu.message_id and step.photo is not None
    reach = step.photo["file_unique_id"]
    step = await user.tap(step, ui(loaded, "button_next", language))
    assert step.message_id == menu.message_id and step_of(step.text or "")[0] == 2
    assert step.photo is not None and step.photo["file_unique_id"] == reach  # caption only
    step = await user.tap(step, ui(loaded, "button_next", language))
    assert step.message_id == menu.message_id and step.photo is not None
    assert step.photo["file_unique_id"] != reach  # the cover and the lever now
    step = await user.tap(step, ui(loaded, "button_back", language))
    assert step.message_id == menu.message_id and step_of(step.text or "")[0] == 2
    assert step.photo is not None and step.photo["file_unique_id"] == reach
    assert len(server.uploads) == 2  # each drawing once, however often it is shown
    calls = {call.method for call in server.calls}
    assert {"editMessageMedia", "editMessageCaption"} <= calls
    # the menu is text again: a new message, and the photo keeps no buttons
    home = await user.tap(step, ui(loaded, "button_menu", language))
    assert home.message_id != menu.message_id and home.photo is None

    def old_photo_without_buttons() -> bool:
        old = next(m for m in server.bot_messages(user.chat_id)
                   if m.message_id == menu.message_id)
        return old.photo is not None and old.buttons == []

    assert await server.wait_for(old_photo_without_buttons)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_jump_start_shows_the_clamp_order_once_the_leads_are_there(
        server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str) -> None:
    user = owner(server, language, chat_id=7600)
    say = {"en": "flat battery, no power", "ru": "сел аккумулятор, нет питания"}[language]
    (answer,) = await user.send(say)
    assert answer.photo is not None  # the key: its blade opens the driver's door
    step = await user.tap(answer, ui(loaded, "button_walk", language))
    for _ in range(3):
        step = await user.tap(step, ui(loaded, "button_next", language))
    assert ui(loaded, "tools_question", language)[:20] in (step.text or "")
    step = await user.tap(step, ui(loaded, "button_tools_yes", language))
    assert step.message_id == answer.message_id and step.photo is not None
    assert ("1." in (step.text or "")) and len(server.uploads) == 2  # the key, the clamps
