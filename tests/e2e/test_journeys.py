"""Journeys of an owner through the real bot, over HTTP, as Telegram would carry them: the
basics, and one journey for each thing a stressed owner in a car park needs (issue 7), in
English and in Russian."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from bot.cli.startup import Loaded
from bot.dialog.self_check import MAX_SCREEN_CHARS
from tests.e2e.conftest import RunningBot, User, button_data
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.views import BotMessageView

LANGUAGES = ("en", "ru")

# What each journey types, in each language.
SAY = {
    "en": {"wont_open": "boot wont open, its pouring", "next": "next", "failed": "didnt work",
           "worked": "it worked!", "thanks": "thanks", "hi": "hi",
           "emergency": "my kid is locked in the boot", "keys": "locked my keys in the boot",
           "tried": "my 2010 qashqai, tried the fob and the button, boot still shut",
           "other": "my ford focus trunk wont open", "question": "where is the boot opener",
           "other_language": "где кнопка открывания багажника", "no": "no"},
    "ru": {"wont_open": "багажник не открывается, дождь льёт", "next": "дальше",
           "failed": "не помогло", "worked": "открылся!", "thanks": "спасибо", "hi": "привет",
           "emergency": "ребенок заперт в багажнике", "keys": "захлопнул ключи в багажнике",
           "tried": "кашкай 2010, пробовал брелок и кнопку, багажник закрыт",
           "other": "на форд фокус не открывается багажник",
           "question": "где кнопка открывания багажника",
           "other_language": "where is the boot opener button", "no": "нет"},
}


def step_of(text: str) -> tuple[int, int]:
    """Step k of n, in English or Russian ("шаг k из n")."""
    found = re.search(r"(?:step|шаг) (\d+) (?:of|из) (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def way_of(text: str) -> int:
    found = re.search(r"(?:Way|Способ) (\d+) (?:of|из) \d+", text)
    assert found, text
    return int(found.group(1))


def ui(loaded: Loaded, key: str, language: str) -> str:
    return loaded.knowledge.ui(key, language)


@pytest.fixture
def phone_sized(server: FakeTelegram) -> Iterator[None]:
    """After the journey: no message the bot sent is longer than a phone screen holds."""
    yield
    for chat in list(server.world.chats):
        for message in server.bot_messages(chat):
            assert len((message.text or "").encode("utf-16-le")) // 2 <= MAX_SCREEN_CHARS


def owner(server: FakeTelegram, language: str, chat_id: int = 4000) -> User:
    return User(server, chat_id=chat_id + LANGUAGES.index(language), language_code=language)


# -- the basics ------------------------------------------------------------------------------------


async def test_start_shows_the_keyboard_and_the_main_menu(user: User) -> None:
    greeting, menu = await user.send("/start", count=2)
    assert "Qashqai" in greeting.text
    keyboard = greeting.reply_markup or {}
    labels = [b if isinstance(b, str) else b["text"] for row in keyboard["keyboard"] for b in row]
    assert any("won't open" in label for label in labels)
    assert keyboard.get("is_persistent") is True
    assert "It won't open" in " ".join(menu.button_texts)


async def test_commands_are_registered_in_both_languages(server: FakeTelegram,
                                                         running_bot: RunningBot) -> None:
    english = server.commands_for(language_code="") or []
    russian = server.commands_for(language_code="ru") or []
    assert {c["command"] for c in english} >= {"start", "help", "menu", "reset"}
    assert {c["command"] for c in russian} == {c["command"] for c in english}


async def test_a_way_step_by_step_to_it_opened(user: User, loaded: Loaded) -> None:
    _, menu = await user.send("/start", count=2)
    ways = await user.tap(menu, ui(loaded, "button_ways", "en"))
    assert ways.message_id == menu.message_id, "menus edit the message in place"
    lid = loaded.knowledge.entry("lid-button")
    screen = await user.tap(ways, lid.title.in_("en"))
    number, total = step_of(screen.text)
    while number < total:
        screen = await user.tap(screen, "Next")
        assert screen.message_id == menu.message_id
        number, _ = step_of(screen.text)
    done = await user.tap(screen, "It opened")
    assert "the boot is open" in done.text


async def test_restart_mid_walk_continues_at_the_same_step(
    user: User, running_bot: RunningBot, loaded: Loaded
) -> None:
    (reply,) = await user.send("🔑 Key fob")
    reply = await user.tap(reply, "Next")
    assert step_of(reply.text)[0] == 2
    await running_bot.restart()
    (menu,) = await user.send("/menu")  # the new process knows where this chat was
    resumed = await user.tap(menu, "Continue")
    assert step_of(resumed.text)[0] == 2
    reply = await user.tap(reply, "Next")  # and the old message's buttons still work
    assert step_of(reply.text)[0] == 3
    reply = await user.tap(reply, "Back")
    assert step_of(reply.text)[0] == 2


async def test_stale_and_forged_buttons_lead_to_the_current_menu(user: User) -> None:
    _, menu = await user.send("/start", count=2)
    real = button_data(menu, "All ways")
    stale = "1zzzz" + real[real.index(":"):]
    for data in (stale, "forged", real[:6] + ":k:lid-button:99", "x" * 64):
        (menu,) = await user.send("/menu")
        reply = await user.tap_data(menu, data)
        assert "older menu" in reply.text
        assert "It won't open" in " ".join(reply.button_texts)


async def test_same_button_twice_is_harmless(user: User, server: FakeTelegram) -> None:
    _, menu = await user.send("/start", count=2)
    data = button_data(menu, "Questions")
    faq = await user.tap_data(menu, data)
    query_id = server.user_taps(user.chat_id, faq.message_id, data)
    await server.wait_for_callback_answer(query_id)  # answered, no error, no duplicate edit
    await user.send("/menu")  # updates of a chat are handled in order: the tap is done now
    current = next(m for m in server.bot_messages(user.chat_id) if m.message_id == faq.message_id)
    assert current.edit_count == faq.edit_count and current.text == faq.text


async def test_a_sticker_gets_a_pointer_to_the_menu(user: User, server: FakeTelegram) -> None:
    server.user_sends_kind(user.chat_id, "sticker")
    reply = await server.wait_for_bot_message(user.chat_id)
    assert "only read text" in reply.text


async def test_a_5000_character_message_gets_one_reply(user: User) -> None:
    (reply,) = await user.send("my boot wont open " + "please help " * 415)
    assert reply.text


# -- 1. phone-sized screens: a short answer, More one tap away -------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_1_an_answer_is_short_and_more_is_one_tap_away(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str,
    phone_sized: None
) -> None:
    user = owner(server, language)
    (answer,) = await user.send(SAY[language]["question"])
    note = ui(loaded, "picture_schematic", language)  # a picture's caption line, not the answer
    assert len((answer.text or "").replace(note, "")) <= 300
    more = await user.tap(answer, ui(loaded, "button_more", language).split(":")[0])
    assert more.message_id == answer.message_id and more.text != answer.text
    back = await user.tap(more, ui(loaded, "button_back", language))
    assert back.text == answer.text


# -- 2. the commonest problem starts the walk ------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_2_it_wont_open_starts_the_walk_at_once(
    server: FakeTelegram, running_bot: RunningBot, language: str, phone_sized: None
) -> None:
    user = owner(server, language)
    (walk,) = await user.send(SAY[language]["wont_open"])
    assert way_of(walk.text or "") == 1
    assert ui_label_in(walk, "Next" if language == "en" else "Далее") or step_of(walk.text or "")


def ui_label_in(message: BotMessageView, label: str) -> bool:
    return any(label in text for text in message.button_texts)


# -- 3. typed replies in context -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_3_typed_replies_act_like_the_buttons(
    server: FakeTelegram, running_bot: RunningBot, language: str, phone_sized: None
) -> None:
    user = owner(server, language)
    (first,) = await user.send("🔑 Key fob" if language == "en" else "🔑 Брелок")
    assert step_of(first.text or "")[0] == 1
    (second,) = await user.send(SAY[language]["next"])
    assert step_of(second.text or "")[0] == 2
    (moved,) = await user.send(SAY[language]["failed"])
    assert way_of(moved.text or "") >= 1 and moved.text != second.text
    (done,) = await user.send(SAY[language]["worked"])
    assert "🎉" in (done.text or "")


# -- 4. language follows the person ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_4_a_message_in_the_other_language_is_answered_in_it(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str
) -> None:
    user = owner(server, language)
    await user.send("/start", count=2)
    notice, answer = await user.send(SAY[language]["other_language"], count=2)
    other = "ru" if language == "en" else "en"
    keyboard = notice.reply_markup or {}
    labels = [b if isinstance(b, str) else b["text"] for row in keyboard["keyboard"] for b in row]
    assert ui(loaded, "quick_key_fob", other) in labels, "the keyboard follows too"
    assert ui(loaded, "button_menu", other) in answer.button_texts


async def test_4_a_ukrainian_user_chooses_english_or_russian(
    server: FakeTelegram, running_bot: RunningBot
) -> None:
    user = User(server, chat_id=4100, language_code="uk")
    (choice,) = await user.send("/start")
    assert "English" in choice.button_texts and "Русский" in choice.button_texts
    menu = await user.tap(choice, "Русский")
    assert menu.message_id == choice.message_id and "Чем помочь" in (menu.text or "")
    notice = await server.wait_for_bot_message(user.chat_id, after_message_id=choice.message_id)
    assert "русский" in (notice.text or "") and (notice.reply_markup or {}).get("keyboard")


# -- 5. small talk ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_5_small_talk_gets_a_human_reply(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str
) -> None:
    user = owner(server, language)
    for said, key in (("thanks", "small_talk_thanks"), ("hi", "small_talk_greeting")):
        (reply,) = await user.send(SAY[language][said])
        assert reply.text == ui(loaded, key, language)
        assert ui(loaded, "button_menu", language) in reply.button_texts


# -- 6. emergencies first --------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_6_someone_shut_in_the_boot_is_told_to_call_112_first(
    server: FakeTelegram, running_bot: RunningBot, language: str, phone_sized: None
) -> None:
    user = owner(server, language)
    (reply,) = await user.send(SAY[language]["emergency"])
    assert "112" in (reply.text or "").splitlines()[0]
    (keys,) = await user.send(SAY[language]["keys"])
    first = (keys.text or "").lower()
    assert "spare" in first or "запасн" in first


# -- 7. several things in one message --------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_7_a_year_and_ways_tried_in_one_message(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str,
    phone_sized: None
) -> None:
    user = owner(server, language)
    (walk,) = await user.send(SAY[language]["tried"])
    assert "J10" in (walk.text or "").split("\n")[0], "one line says which car"
    titles = [loaded.knowledge.entry(m).title.in_(language) for m in ("key-fob", "lid-button")]
    heading = next(line for line in (walk.text or "").splitlines()
                   if re.search(r"(?:step|шаг) 1 (?:of|из)", line))
    assert not any(title in heading for title in titles), "the walk starts at an untried way"
    assert running_bot.store is not None
    assert (await running_bot.store.chats.load(user.chat_id)).car == "J10"


# -- 8. a guided run that fits a car park ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_8_a_run_without_tools_ends_honestly(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str,
    phone_sized: None
) -> None:
    user = owner(server, language)
    (screen,) = await user.send(SAY[language]["wont_open"])
    no_tools = ui(loaded, "button_tools_no", language)
    no_feature = ui(loaded, "button_gate_no", language)
    skip = ui(loaded, "button_skip_way", language)
    failed = ui(loaded, "button_failed", language)
    ways = [way_of(screen.text or "")]
    for _ in range(30):
        labels = screen.button_texts
        if not any(label in labels for label in (no_tools, no_feature, skip, failed)):
            break
        label = next(label for label in (no_tools, no_feature, skip, failed) if label in labels)
        screen = await user.tap(screen, label)
        if re.search(r"(?:Way|Способ) \d", screen.text or ""):
            ways.append(way_of(screen.text or ""))
    assert screen.text == ui(loaded, "guided_exhausted", language)
    assert sorted(set(ways)) == list(range(1, max(ways) + 1)), "way k of n counts this run"
    (again,) = await user.send(SAY[language]["no"])
    assert again.text == screen.text, "a further no does not start over"


# -- 9. navigation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_9_back_returns_to_the_screen_seen_before(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str
) -> None:
    user = owner(server, language)
    (answer,) = await user.send(SAY[language]["question"])
    step = await user.tap(answer, ui(loaded, "button_walk", language))
    back = await user.tap(step, ui(loaded, "button_back", language))
    assert back.text == answer.text, "back to the answer it came from, not elsewhere"


# -- 10. other makes -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
async def test_10_another_make_gets_one_line_then_the_help(
    server: FakeTelegram, running_bot: RunningBot, loaded: Loaded, language: str
) -> None:
    user = owner(server, language)
    (reply,) = await user.send(SAY[language]["other"])
    first, _, rest = (reply.text or "").partition("\n\n")
    assert "Qashqai" in first
    assert ui(loaded, "help", language)[:30] in rest
