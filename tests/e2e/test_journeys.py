"""Journeys of an owner through the real bot, over HTTP, as Telegram would carry them."""

from __future__ import annotations

import re

from bot.cli.startup import Loaded
from tests.e2e.conftest import RunningBot, User, button_data
from tests.fake_telegram import FakeTelegram


def step_of(text: str) -> tuple[int, int]:
    found = re.search(r"step (\d+) of (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def step_of_any(text: str) -> tuple[int, int]:
    """Step k of n, in English or Russian ("шаг k из n")."""
    found = re.search(r"(?:step|шаг) (\d+) (?:of|из) (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


async def test_start_shows_quick_replies_and_main_menu(user: User) -> None:
    greeting, menu = await user.send("/start", count=2)
    assert "Qashqai" in greeting.text
    keyboard = greeting.reply_markup or {}
    labels = [b if isinstance(b, str) else b["text"] for row in keyboard["keyboard"] for b in row]
    assert any("Lid button" in label for label in labels)
    assert keyboard.get("is_persistent") is True
    assert "It won't open" in " ".join(menu.button_texts)


async def test_commands_are_registered_in_both_languages(server: FakeTelegram,
                                                         running_bot: RunningBot) -> None:
    english = server.commands_for(language_code="") or []
    russian = server.commands_for(language_code="ru") or []
    assert {c["command"] for c in english} >= {"start", "help", "menu", "reset"}
    assert {c["command"] for c in russian} == {c["command"] for c in english}


async def test_a_method_step_by_step_to_it_opened(user: User, loaded: Loaded) -> None:
    _, menu = await user.send("/start", count=2)
    ways = await user.tap(menu, "Ways to open")
    assert ways.message_id == menu.message_id, "menus edit the message in place"
    lid = loaded.knowledge.entry("lid-button")
    screen = await user.tap(ways, lid.title.in_("en"))
    number, total = step_of(screen.text)
    assert (number, total) == (1, len(lid.steps))
    while number < total:
        screen = await user.tap(screen, "Next")
        assert screen.message_id == menu.message_id
        number, _ = step_of(screen.text)
    assert "Did the trunk open?" in screen.text
    done = await user.tap(screen, "It opened")
    assert "the trunk is open" in done.text
    assert lid.prevention is not None
    assert lid.prevention.in_("en")[:25] in done.text


async def test_didnt_work_moves_to_the_next_way(user: User, loaded: Loaded) -> None:
    (reply,) = await user.send("🔑 Key fob")
    _, total = step_of(reply.text)
    for _ in range(total - 1):
        reply = await user.tap(reply, "Next")
    reply = await user.tap(reply, "Didn't work")
    order = loaded.knowledge.guided_order
    following = loaded.knowledge.entry(order[order.index("key-fob") + 1])
    assert following.title.in_("en") in reply.text
    assert step_of(reply.text)[0] == 1


async def test_free_text_question_gets_its_answer(user: User) -> None:
    (reply,) = await user.send("which battery goes in the key fob and how often to change it")
    assert "CR2032" in reply.text


async def test_close_call_then_did_you_mean_tap(user: User, loaded: Loaded) -> None:
    question = "key trouble"
    suggestions = loaded.matcher.match(question).suggestions
    assert suggestions, "the journey needs a close call"
    (reply,) = await user.send(question)
    assert "Did you mean" in reply.text
    title = loaded.knowledge.entry(suggestions[0]).title.in_("en")
    answer = await user.tap(reply, title)
    assert title in answer.text


async def test_out_of_domain_question_is_declined_with_the_menu(user: User) -> None:
    (reply,) = await user.send("where is the fuel flap release")
    assert "only help with opening the trunk" in reply.text
    assert "It won't open" in " ".join(reply.button_texts)


async def test_restart_mid_method_continues_at_the_same_step(
    user: User, running_bot: RunningBot, loaded: Loaded
) -> None:
    (reply,) = await user.send("🦶 Hands-free pedal")
    reply = await user.tap(reply, "Next")
    assert step_of(reply.text)[0] == 2
    await running_bot.restart()
    (menu,) = await user.send("/menu")  # the new process knows where this chat was
    resumed = await user.tap(menu, "Continue")
    assert step_of(resumed.text)[0] == 2
    assert loaded.knowledge.entry("hands-free").title.in_("en") in resumed.text
    reply = await user.tap(reply, "Next")  # and the old message's buttons still work
    assert step_of(reply.text)[0] == 3
    reply = await user.tap(reply, "Back")
    assert step_of(reply.text)[0] == 2


async def test_stale_and_forged_buttons_lead_to_the_current_menu(user: User) -> None:
    _, menu = await user.send("/start", count=2)
    real = button_data(menu, "Ways to open")
    stale = "1zzzz" + real[real.index(":"):]
    for data in (stale, "forged", "1" + real[1:5] + ":s:lid-button:99", "x" * 64):
        (menu,) = await user.send("/menu")
        reply = await user.tap_data(menu, data)
        assert "older menu" in reply.text
        assert "It won't open" in " ".join(reply.button_texts)


async def test_same_button_twice_is_harmless(user: User, server: FakeTelegram) -> None:
    _, menu = await user.send("/start", count=2)
    data = button_data(menu, "FAQ")
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


async def test_russian_user_gets_russian(server: FakeTelegram, running_bot: RunningBot) -> None:
    russian = User(server, chat_id=2002, language_code="ru")
    greeting, _ = await russian.send("/start", count=2)
    assert "багажник" in greeting.text
