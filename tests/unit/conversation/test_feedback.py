"""👍 / 👎 after an answer and at the end of a walk, "what went wrong?" after a 👎, and
/forget: what the conversation shows. (What is stored is the shell's: tests/unit/test_recorder.py.)
"""

from __future__ import annotations

import pytest

from bot.dialog import ChatState, Conversation
from bot.dialog.callback_data import Action
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Reply, ReplyKind
from bot.knowledge import Knowledge
from tests.unit.conversation.conftest import Chat
from tests.unit.conversation.test_guided_run import run_to_the_end

QUESTION = {"en": "which battery does the key fob take", "ru": "какая батарейка в брелоке"}


def rating_row(reply: Reply) -> list[str]:
    return [b.label for row in reply.buttons for b in row if "👍" in b.label or "👎" in b.label]


def answered(chat: Chat, language: str = "en") -> Reply:
    (answer,) = chat.send(QUESTION[language])
    assert answer.kind is ReplyKind.ANSWER
    return answer


@pytest.mark.parametrize("language", ["en", "ru"])
def test_an_answer_ends_with_a_rating_row_above_the_menu_in_the_chats_language(
        conversation: Conversation, knowledge: Knowledge, language: str) -> None:
    chat = Chat(conversation, state=ChatState(language=language))
    answer = answered(chat, language)
    assert rating_row(answer) == [knowledge.ui("button_rate_up", language),
                                  knowledge.ui("button_rate_down", language)]
    rows = [[b.label for b in row] for row in answer.buttons]
    assert knowledge.ui("button_menu", language) in rows[-1]
    assert "👍" in rows[-2][0], "just above Menu: the steps and More come first"


def test_a_thumbs_up_keeps_the_answer_thanks_once_and_asks_nothing_more(chat: Chat) -> None:
    answer = answered(chat)
    (rated,) = chat.press(Action.RATE, "up")
    assert rated.kind is ReplyKind.RATED_UP and rated.edit
    assert rated.plain_text.startswith(answer.plain_text), "the answer stays on screen"
    assert "Thanks" in rated.plain_text
    assert rating_row(rated) == [], "never a second prompt on the same answer"
    assert chat.state.awaiting_comment is None
    assert chat.screen is not None and chat.screen == answer.screen


def test_a_thumbs_down_asks_what_went_wrong_and_takes_the_next_message(chat: Chat) -> None:
    answer = answered(chat)
    (asked,) = chat.press(Action.RATE, "down")
    assert asked.kind is ReplyKind.RATED_DOWN and asked.edit
    assert asked.plain_text.startswith(answer.plain_text)
    assert "What went wrong?" in asked.plain_text
    assert rating_row(asked) == []
    assert chat.has_button_doing(Action.RATE)  # Skip
    assert chat.state.awaiting_comment == answer.screen

    (thanks,) = chat.send("my fob has no battery cover, it is a flip key")
    assert thanks.kind is ReplyKind.COMMENTED
    assert "noted" in thanks.plain_text
    assert chat.state.awaiting_comment is None
    assert chat.has_button_doing(Action.GUIDED), "and on from there: the menu"

    (again,) = chat.send(QUESTION["en"])
    assert again.kind is ReplyKind.ANSWER, "the conversation carries on as usual"


def test_skip_drops_the_question_and_the_next_message_is_a_question_again(chat: Chat) -> None:
    answered(chat)
    chat.press(Action.RATE, "down")
    (skipped,) = chat.press(Action.RATE, "skip")
    assert skipped.kind is ReplyKind.COMMENT_SKIPPED and skipped.edit
    assert "What went wrong?" not in skipped.plain_text
    assert rating_row(skipped) == []
    assert chat.state.awaiting_comment is None
    (answer,) = chat.send(QUESTION["en"])
    assert answer.kind is ReplyKind.ANSWER


@pytest.mark.parametrize("then", ["/menu", "🆘 It won't open"])
def test_a_command_or_a_keyboard_button_after_a_thumbs_down_is_not_taken_as_a_comment(
        chat: Chat, then: str) -> None:
    answered(chat)
    chat.press(Action.RATE, "down")
    replies = chat.send(then)
    assert ReplyKind.COMMENTED not in {r.kind for r in replies}
    assert chat.state.awaiting_comment is None


def test_someone_shut_in_the_boot_is_never_taken_for_a_comment(chat: Chat) -> None:
    answered(chat)
    chat.press(Action.RATE, "down")
    replies = chat.send("my kid is locked in the boot")
    assert replies[-1].kind is ReplyKind.EMERGENCY
    assert chat.state.awaiting_comment is None


def test_a_tap_elsewhere_after_a_thumbs_down_leaves_the_question_behind(chat: Chat) -> None:
    answered(chat)
    chat.press(Action.RATE, "down")
    chat.press(Action.VIEW, "menu")
    assert chat.state.awaiting_comment is None
    (reply,) = chat.send(QUESTION["en"])
    assert reply.kind is ReplyKind.ANSWER


def test_the_end_of_a_walk_is_rated_too(chat: Chat) -> None:
    chat.send("boot wont open")
    (worked,) = chat.press(Action.WORKED)
    assert worked.kind is ReplyKind.WORKED
    assert len(rating_row(worked)) == 2
    (rated,) = chat.press(Action.RATE, "up")
    assert rated.kind is ReplyKind.RATED_UP and rated.screen == worked.screen


def test_the_honest_end_of_a_run_is_rated_too(chat: Chat) -> None:
    chat.send("boot wont open")
    run_to_the_end(chat)
    assert len(rating_row(chat.replies[-1])) == 2


def test_steps_emergencies_and_menus_ask_for_no_rating(chat: Chat) -> None:
    for text in ("boot wont open", "my kid is locked in the boot", "/menu", "/help"):
        for reply in chat.send(text):
            assert rating_row(reply) == [], (text, reply.kind)


@pytest.mark.parametrize("data", ["r:up:menu", "r:up:step.lid-button.0", "r:up:answer.nope",
                                  "r:down:worked.overview", "r:sideways:end", "r:up"])
def test_a_forged_rating_gets_the_stale_button_notice(chat: Chat, data: str) -> None:
    chat.send("/menu")
    prefix = chat.conversation.kit.codec.pack(Action.VIEW, "menu").split(":")[0]
    (reply,) = chat.tap_data(f"{prefix}:{data}")
    assert "older menu" in reply.plain_text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_forget_says_so_in_the_chats_language_and_leaves_a_fresh_chat(
        conversation: Conversation, knowledge: Knowledge, language: str) -> None:
    chat = Chat(conversation, state=ChatState(language=language, car="J11", way="key-fob",
                                              step=2, history=(Screen(Kind.STEP, "key-fob", 2),)))
    (done,) = chat.send("/forget")
    assert done.kind is ReplyKind.FORGOTTEN
    assert done.plain_text == knowledge.ui("forget_done", language)
    assert chat.state == ChatState()
