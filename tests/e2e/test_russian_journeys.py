"""The Russian-speaking owner's journeys: the same bot, in Russian, end to end."""

from __future__ import annotations

from bot.cli.startup import Loaded
from tests.e2e.conftest import RunningBot, User
from tests.e2e.test_journeys import step_of_any
from tests.fake_telegram import FakeTelegram


def russian_user(server: FakeTelegram, chat_id: int = 3003) -> User:
    return User(server, chat_id=chat_id, language_code="ru")


async def test_russian_owner_from_start_to_an_open_trunk(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded
) -> None:
    user = russian_user(server)
    greeting, menu = await user.send("/start", count=2)
    assert "багажник" in greeting.text
    ways = await user.tap(menu, "Способы открыть")
    lid = loaded.knowledge.entry("lid-button")
    screen = await user.tap(ways, lid.title.in_("ru"))
    number, total = step_of_any(screen.text)
    assert (number, total) == (1, len(lid.steps))
    assert lid.steps[0].do.in_("ru")[:20] in screen.text
    while number < total:
        screen = await user.tap(screen, "Далее")
        number, _ = step_of_any(screen.text)
    done = await user.tap(screen, "Открылся")
    assert "багажник открыт" in done.text


async def test_russian_guided_run_after_didnt_work(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded
) -> None:
    user = russian_user(server)
    _, menu = await user.send("/start", count=2)
    question = await user.tap(menu, "Не открывается")
    screen = await user.tap(question, "J11")
    first = loaded.knowledge.entry(loaded.knowledge.guided_order[0])
    assert first.title.in_("ru") in screen.text
    _, total = step_of_any(screen.text)
    for _ in range(total - 1):
        screen = await user.tap(screen, "Далее")
    screen = await user.tap(screen, "Не помогло")
    second = loaded.knowledge.entry(loaded.knowledge.guided_order[1])
    assert second.title.in_("ru") in screen.text


async def test_switching_language_changes_menus_and_keyboard(
    server: FakeTelegram, running_bot: RunningBot
) -> None:
    user = User(server, chat_id=3004, language_code="en")
    _, menu = await user.send("/start", count=2)
    server.user_taps(user.chat_id, menu.message_id, next(
        d for d in menu.callback_data if d.endswith(":l:ru")))
    greeting, russian_menu = await server.wait_for_bot_messages(user.chat_id, 2)
    assert "Язык: русский" in greeting.text
    keyboard = greeting.reply_markup or {}
    assert any("Брелок" in (b if isinstance(b, str) else b["text"])
               for row in keyboard["keyboard"] for b in row)
    assert "Не открывается" in " ".join(russian_menu.button_texts)
    (later,) = await user.send("/menu")
    assert "Чем помочь" in later.text, "the language is kept"


async def test_russian_question_in_an_english_chat(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded
) -> None:
    user = User(server, chat_id=3005, language_code="en")
    (reply,) = await user.send("батарейка в брелке какая нужна и как часто менять")
    fob_battery = loaded.knowledge.entry("faq-fob-battery")
    assert fob_battery.title.in_("en") in reply.text, "answered in the chat's language"
    assert "Перейти на русский" in " ".join(reply.button_texts), "with a one-tap switch"
    switched = await user.tap(reply, "Перейти на русский")
    assert "Язык: русский" in switched.text or "русский" in switched.text
