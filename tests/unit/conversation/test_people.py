"""What people say that is not a question: their language, small talk, an emergency, another
car, several things at once."""

from __future__ import annotations

import pytest

from bot.dialog import ChatState, Command, Conversation
from bot.dialog.callback_data import Action
from bot.dialog.reply import ReplyKind
from tests.unit.conversation.conftest import Chat

# -- language follows the person --------------------------------------------------------------


@pytest.mark.parametrize(("code", "text", "answered_in"), [
    ("en", "где кнопка открывания багажника", "ru"),
    ("ru", "where is the boot opener button", "en"),
    ("en", "bagazhnik ne otkryvaetsya", "ru"),
])
def test_a_message_in_the_other_language_is_answered_in_it(
    conversation: Conversation, code: str, text: str, answered_in: str
) -> None:
    chat = Chat(conversation, code)
    chat.send("/start")
    replies = chat.send(text)
    assert chat.state.language == answered_in
    notice = replies[0]
    assert notice.quick_replies, "the keyboard under the input field changes language too"
    assert chat.kind is not ReplyKind.DECLINED


def test_asking_for_the_other_language_shows_the_same_screen_in_it(chat: Chat) -> None:
    chat.send("where is the boot opener on the tailgate")
    screen = chat.state.screen
    chat.send("а можно по-русски?")
    assert chat.state.language == "ru" and chat.state.screen == screen
    assert chat.kind is ReplyKind.ANSWER


def test_the_language_button_keeps_the_screen(chat: Chat) -> None:
    chat.send("/menu")
    chat.tap("Русский")
    assert chat.state.language == "ru" and chat.kind is ReplyKind.MENU


@pytest.mark.parametrize("code", ["uk", "uk-UA", "be"])
def test_a_ukrainian_user_chooses_the_language(conversation: Conversation, code: str) -> None:
    chat = Chat(conversation, code)
    chat.send("/start")
    assert chat.kind is ReplyKind.LANGUAGE_CHOICE and chat.state.language is None
    chat.tap("Русский")
    assert chat.state.language == "ru"
    chat.send("/start")
    assert chat.kind is ReplyKind.MENU


def test_a_ukrainian_users_first_question_is_answered_in_its_language(
    conversation: Conversation
) -> None:
    state, _, _ = conversation.handle(ChatState(), Command("start", language_code="uk"))
    chat = Chat(conversation, "uk", state)
    chat.send("багажник не открывается")
    assert chat.state.language == "ru" and chat.kind is not ReplyKind.LANGUAGE_CHOICE


# -- small talk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), [
    ("en", "thanks"), ("en", "thank you, sorted"), ("en", "hi"), ("en", "👍"), ("en", "ok"),
    ("en", "it's open now"), ("en", "this stupid bloody car"), ("en", "cheers mate"),
    ("ru", "спасибо"), ("ru", "привет"), ("ru", "ок"), ("ru", "да блин задолбала эта тачка"),
    ("en", "lol"), ("en", "😂😂"), ("ru", "пипец"), ("ru", "здрасьте"),
    ("ru", "спасибо огромное, выручил"),
])
def test_small_talk_gets_a_short_human_reply(conversation: Conversation, code: str,
                                             text: str) -> None:
    chat = Chat(conversation, code)
    (reply,) = chat.send(text)
    assert reply.kind is ReplyKind.SMALL_TALK
    assert chat.has_button_doing(Action.VIEW), "the menu is a tap away"
    assert len(reply.plain_text) < 160


def test_a_greeting_with_a_question_answers_the_question(chat: Chat) -> None:
    chat.send("hi, my boot won't open")
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION)


# -- emergencies --------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), [
    ("en", "my kid is locked in the boot"), ("en", "dog stuck in the trunk!!"),
    ("en", "my mate got shut in the boot messing about"), ("en", "im locked in the boot help"),
    ("en", "toddler climbed in the hatch and it closed"),
    ("ru", "ребенок закрылся в багажнике"), ("ru", "собака заперта в багажнике"),
    ("ru", "я заперт в багажнике"), ("ru", "сын залез в багажник и захлопнул"),
])
def test_someone_shut_in_the_boot_is_told_to_call_for_help_first(
    conversation: Conversation, code: str, text: str
) -> None:
    chat = Chat(conversation, code)
    (reply,) = chat.send(text)
    assert reply.kind is ReplyKind.EMERGENCY
    assert "112" in reply.plain_text.strip().splitlines()[0]
    assert chat.has_button_doing(Action.VIEW), "then the fastest ways to open"


def test_an_emergency_mid_walk_comes_first(chat: Chat) -> None:
    chat.send("boot wont open")
    chat.send("wait my toddler is in there!!")
    assert chat.kind is ReplyKind.EMERGENCY and chat.state.way is None


@pytest.mark.parametrize("text", ["child lock on the tailgate?", "my son can't open the boot",
                                  "детский замок на багажнике"])
def test_not_every_child_is_an_emergency(chat: Chat, text: str) -> None:
    chat.send(text)
    assert chat.kind is not ReplyKind.EMERGENCY


@pytest.mark.parametrize(("code", "text"), [
    ("en", "locked my keys in the boot"), ("en", "left the key in the trunk and it shut"),
    ("ru", "захлопнул ключи в багажнике"),
])
def test_keys_in_the_boot_get_the_spare_key_and_the_way_in(conversation: Conversation,
                                                           code: str, text: str) -> None:
    """The no-key answer: the spare key and roadside help first, the way in from the cabin
    among its steps."""
    chat = Chat(conversation, code)
    (reply,) = chat.send(text)
    assert chat.screen is not None and chat.screen.entry == "no-key"
    first = reply.plain_text.lower()
    assert ("spare" in first and "roadside" in first) or ("запасн" in first
                                                          and "помощ" in first)
    steps = " ".join(s.do.in_(code) for s in conversation.knowledge.entry("no-key").steps)
    assert "seatback" in steps or "спинку" in steps


# -- other makes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "text"), [
    ("en", "my ford focus trunk wont open"), ("en", "nissan x-trail boot won't open"),
    ("ru", "на ладе весте не открывается багажник"),
])
def test_another_make_is_told_this_is_about_the_qashqai(conversation: Conversation, code: str,
                                                        text: str) -> None:
    chat = Chat(conversation, code)
    (reply,) = chat.send(text)
    assert reply.kind is ReplyKind.HELP
    assert "Qashqai" in reply.plain_text.split("\n\n")[0]
    assert chat.state.way is None


def test_a_qashqai_question_that_mentions_another_car_is_answered(chat: Chat) -> None:
    chat.send("I had a ford before, how does the boot open on the qashqai")
    assert chat.kind is not ReplyKind.HELP


def test_every_way_of_saying_an_emergency_in_the_knowledge_is_caught(
    conversation: Conversation
) -> None:
    """The emergency entries' phrasings are how people say it; the rules must catch each."""
    for urgent in conversation.knowledge.intents.urgent.values():
        if not urgent.emergency:
            continue
        for phrasing in conversation.knowledge.entry(urgent.entry).phrasings.every:
            assert conversation.reader.read(phrasing).urgent == urgent, phrasing
