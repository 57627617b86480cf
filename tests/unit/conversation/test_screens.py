"""Screens a person in a car park can read on a phone: a short answer, steps one at a time,
tips one tap away, and buttons whose labels say what they do."""

from __future__ import annotations

import re

import pytest

from bot.dialog import ChatState, Conversation, Unsupported
from bot.dialog.callback_data import Action
from bot.dialog.navigation import MENU
from bot.dialog.reply import ReplyKind
from bot.dialog.self_check import AIM_SCREEN_CHARS, check_screens, visible_length
from bot.knowledge import LANGUAGES, Knowledge
from tests.unit.conversation.conftest import Chat


def test_start_greets_with_the_keyboard_then_the_menu(chat: Chat) -> None:
    greeting, menu = chat.send("/start")
    assert "Qashqai" in greeting.text
    keyboard = [label for row in greeting.quick_replies for label in row]
    assert any("won't open" in label for label in keyboard)
    assert any("Key fob" in label for label in keyboard)
    assert menu.kind is ReplyKind.MENU
    assert chat.has_button_doing(Action.GUIDED)


def test_every_screen_fits_a_phone(conversation: Conversation) -> None:
    """`python -m bot check` renders every screen in both languages for every car."""
    report = check_screens(conversation)
    assert report.checked > 500
    assert report.longest <= 900
    assert not report.over_aim, "a phone shows about 600 characters without scrolling"


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_answer_is_short_with_the_steps_and_more_one_tap_away(
    conversation: Conversation, knowledge: Knowledge, language: str
) -> None:
    chat = Chat(conversation, state=ChatState(language=language))
    (reply,) = chat.send("how does the opener above the number plate work" if language == "en"
                         else "где кнопка открывания багажника над номером")
    assert reply.kind is ReplyKind.ANSWER
    # the line a picture's caption gets ("schematic: see your handbook") is not the answer
    note = conversation.knowledge.ui("picture_schematic", language)
    assert visible_length(reply.text.replace(note, "")) <= AIM_SCREEN_CHARS // 2, \
        "the one thing to try now"
    assert chat.has_button_doing(Action.WALK)
    entry = knowledge.entry(chat.screen.entry) if chat.screen else None
    assert entry is not None and entry.has_more
    (more,) = chat.tap("More" if language == "en" else "Подробнее")
    assert more.kind is ReplyKind.MORE and more.edit
    assert "💡" in more.text or "⚠️" in more.text
    (sources,) = chat.tap("Where is this from" if language == "en" else "Откуда")
    assert sources.kind is ReplyKind.SOURCES
    assert knowledge.sources["seed"].title in sources.plain_text
    assert '<a href="http' in sources.text, "each source's title links to it"
    assert "http" not in sources.plain_text, "no bare address fills the screen"


def test_walking_a_way_step_by_step_to_it_opened(chat: Chat, knowledge: Knowledge) -> None:
    lid = knowledge.entry("lid-button")
    chat.send("/start")
    chat.tap("All ways")
    chat.tap(lid.title.in_("en"))
    assert chat.way == "lid-button" and f"step 1 of {len(lid.steps)}" in chat.text
    for number in range(2, len(lid.steps) + 1):
        (reply,) = chat.press(Action.WALK)
        assert reply.edit, "a step replaces the message in place"
        assert f"step {number} of {len(lid.steps)}" in chat.text
    assert "Did the boot open?" in chat.text
    (reply,) = chat.press(Action.WORKED)
    assert reply.kind is ReplyKind.WORKED
    assert lid.prevention is not None and lid.prevention.in_("en")[:20] in reply.plain_text
    assert chat.state.way is None


def test_it_opened_is_on_every_step(chat: Chat, knowledge: Knowledge) -> None:
    chat.send("🔑 Key fob")
    for _ in knowledge.entry("key-fob").steps:
        assert chat.has_button_doing(Action.WORKED)
        if not chat.has_button_doing(Action.WALK):
            break
        chat.press(Action.WALK)


def test_different_actions_have_different_labels(conversation: Conversation,
                                                 knowledge: Knowledge) -> None:
    for language in LANGUAGES:
        labels = {key: knowledge.ui(key, language) for key in
                  ("button_ways", "button_skip_way", "button_failed", "quick_all_ways",
                   "button_walk", "button_guided")}
        assert len(set(labels.values())) == len(labels), labels
        titles = {e.title.in_(language) for e in knowledge.entries.values()}
        assert knowledge.ui("button_ways", language) not in titles
        assert knowledge.ui("ways_title", language).split(".")[0] not in titles


def test_unrelated_question_says_what_the_bot_helps_with(chat: Chat) -> None:
    (reply,) = chat.send("how do I open the bonnet")
    assert reply.kind is ReplyKind.DECLINED
    assert "Qashqai" in reply.text and chat.has_button_doing(Action.GUIDED)


def test_close_call_offers_did_you_mean_buttons(chat: Chat, conversation: Conversation) -> None:
    question = "key trouble"
    result = conversation.reader.read(question).match
    assert result.suggestions, "the test needs a close call"
    (reply,) = chat.send(question)
    assert reply.kind is ReplyKind.DID_YOU_MEAN
    chat.tap_data(reply.buttons[0][0].data)
    assert chat.kind is ReplyKind.ANSWER
    assert conversation.knowledge.entry(result.suggestions[0]).title.in_("en") in chat.text


@pytest.mark.parametrize("data", ["", "garbage", "2zzzz:k:lid-button:0", "x" * 64,
                                  "2{v}:k:lid-button:99", "2{v}:v:answer.no-such-entry",
                                  "2{v}:q", "2{v}:k:lid-button:-1", "2{v}:g:J13",
                                  "2{v}:v:step.lid-button.999", "2{v}:b:nonsense",
                                  "2{v}:t:maybe:power-failure:2", "2{v}:q:yes:lid-button",
                                  "2{v}:k:lid-button:²"])
def test_stale_or_forged_buttons_lead_somewhere_sensible(chat: Chat, knowledge: Knowledge,
                                                         data: str) -> None:
    (reply,) = chat.tap_data(data.replace("{v}", knowledge.version))
    assert reply.kind in (ReplyKind.NOTICE, ReplyKind.MENU)
    assert chat.has_button_doing(Action.GUIDED)


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location"])
def test_non_text_gets_a_pointer_to_the_menu(conversation: Conversation, kind: str) -> None:
    _, (reply,), _ = conversation.handle(ChatState(), Unsupported(kind))
    assert "only read text" in reply.text and reply.buttons


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "x" * 10_000, "<b>bold</b> & co",
                                  "бага" * 2500, "?!", "1234567"])
def test_odd_text_always_gets_one_valid_reply(chat: Chat, text: str) -> None:
    """One answer (a line saying the language changed may come before it)."""
    replies = chat.send(text)
    assert len([r for r in replies if r.kind is not ReplyKind.NOTICE or r.buttons]) == 1


def test_reset_forgets_car_and_progress(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J11")
    chat.send("🔑 Key fob")
    chat.send("/reset")
    assert chat.state.car is None and chat.state.way is None
    assert chat.state.history == (MENU,), "Back has nothing from before the reset"


def test_car_can_be_changed_and_is_kept(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J11")
    assert chat.state.car == "J11" and "J11" in chat.text
    chat.send("/car")
    chat.tap("J12")
    assert chat.state.car == "J12"


def test_an_entry_not_for_this_car_says_so(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J10")
    chat.send("how do i use the hands free kick sensor to open the tailgate")
    assert "may not apply to your J10" in chat.text


def test_html_in_knowledge_is_escaped(conversation: Conversation) -> None:
    state = ChatState(language="en")
    for entry in conversation.knowledge.entries.values():
        for reply in (conversation.articles.answer(state, entry),
                      conversation.articles.more(state, entry, edit=True)):
            assert not re.search(r"<(?!/?b>)", reply.text), entry.id


def test_menu_offers_to_continue_where_the_owner_left_off(chat: Chat) -> None:
    chat.send("🔑 Key fob")
    chat.press(Action.WALK)
    (menu,) = chat.send("/menu")
    label = menu.buttons[0][0].label
    assert "Continue" in label and "step 2" in label
    chat.tap("Continue")
    assert chat.state.step == 1 and chat.way == "key-fob"
