"""While a walk is on screen, typed replies act like its buttons; anything else is a question."""

from __future__ import annotations

import pytest

from bot.dialog import ChatState, Conversation
from bot.dialog.callback_data import Action
from bot.dialog.reply import ReplyKind
from tests.unit.conversation.conftest import Chat


def walking(conversation: Conversation, language: str, *, step: int = 1) -> Chat:
    """A chat on step `step` (0-based) of the key-fob way, in a run."""
    chat = Chat(conversation, language, ChatState(language=language))
    chat.send("🔑 Key fob" if language == "en" else "🔑 Брелок")
    for _ in range(step):
        chat.press(Action.WALK)
    assert chat.way == "key-fob" and chat.state.step == step
    return chat


@pytest.mark.parametrize(("language", "text"), [
    ("en", "it worked!"), ("en", "its open now"), ("en", "👍"), ("en", "yay got it open"),
    ("ru", "открылось"), ("ru", "ура, получилось"), ("ru", "открылся!"), ("ru", "👌"),
])
def test_worked(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language)
    chat.send(text)
    assert chat.kind is ReplyKind.WORKED and chat.state.way is None


@pytest.mark.parametrize(("language", "text"), [
    ("en", "it didn't work"), ("en", "nope"), ("en", "still shut"), ("en", "👎"),
    ("en", "nothing happened"), ("ru", "не помогло"), ("ru", "не сработало"),
    ("ru", "ничего не произошло"), ("ru", "нет"), ("ru", "ne pomoglo"),
])
def test_didnt_work_moves_to_the_next_way(conversation: Conversation, language: str,
                                          text: str) -> None:
    chat = walking(conversation, language)
    chat.send(text)
    assert chat.way != "key-fob" or chat.kind is ReplyKind.NOTHING_WORKED
    assert "key-fob" in chat.state.tried


@pytest.mark.parametrize(("language", "text"), [
    ("en", "next"), ("en", "nxt"), ("en", "ok done, next"), ("en", "what next"),
    ("ru", "дальше"), ("ru", "дальще"), ("ru", "что дальше"), ("ru", "далее"),
])
def test_next(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language, step=0)
    (reply,) = chat.send(text)
    assert chat.way == "key-fob" and chat.state.step == 1
    assert reply.kind is ReplyKind.WALK and not reply.edit, "a typed reply is answered below it"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "back"), ("en", "prev step"), ("en", "go back"),
    ("ru", "назад"), ("ru", "верни предыдущий шаг"), ("ru", "шаг назад"),
])
def test_back(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language, step=1)
    chat.send(text)
    assert chat.way == "key-fob" and chat.state.step == 0


@pytest.mark.parametrize(("language", "text"), [
    ("en", "say that again"), ("en", "repeat"), ("ru", "повтори"), ("ru", "не понял, повтори"),
])
def test_repeat(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language, step=1)
    (reply,) = chat.send(text)
    assert reply.kind is ReplyKind.WALK and chat.state.step == 1 and not reply.edit


@pytest.mark.parametrize(("language", "text"), [
    ("en", "skip"), ("en", "i dont have that, another way"), ("ru", "пропустить"),
    ("ru", "другой способ"),
])
def test_skip(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language)
    chat.send(text)
    assert chat.way != "key-fob"


@pytest.mark.parametrize(("language", "text"), [
    ("en", "stop"), ("en", "forget it, main menu"), ("ru", "хватит"),
    ("ru", "хватит, давай в меню"),
])
def test_stop(conversation: Conversation, language: str, text: str) -> None:
    chat = walking(conversation, language)
    chat.send(text)
    assert chat.kind is ReplyKind.MENU and chat.state.way is None


@pytest.mark.parametrize(("language", "text"), [
    ("en", "where is the fuse box"), ("en", "what battery does the key take"),
    ("ru", "какая батарейка в брелоке"),
])
def test_a_question_mid_walk_is_answered_as_a_question(conversation: Conversation,
                                                       language: str, text: str) -> None:
    chat = walking(conversation, language)
    chat.send(text)
    assert chat.kind in (ReplyKind.ANSWER, ReplyKind.DID_YOU_MEAN), chat.text


@pytest.mark.parametrize(("reply", "answer"), [("yes", "yes"), ("yeah i have them", "yes"),
                                               ("no", "no"), ("нет", "no"), ("да", "yes")])
def test_yes_and_no_answer_the_question_on_screen(conversation: Conversation, reply: str,
                                                  answer: str) -> None:
    chat = Chat(conversation, "en")
    chat.send("boot won't open")
    for _ in range(40):
        if chat.kind is ReplyKind.GATE_QUESTION:
            break
        chat.press(Action.SKIP if chat.has_button_doing(Action.SKIP) else Action.FAILED)
    assert chat.kind is ReplyKind.GATE_QUESTION
    asked = chat.screen.entry if chat.screen else ""
    chat.send(reply)
    if answer == "yes":
        assert chat.way == asked and chat.kind is ReplyKind.WALK
    else:
        assert chat.way != asked and asked in chat.state.tried


@pytest.mark.parametrize(("code", "text"), [
    ("en", "didn't work, next"), ("en", "не сработало, давай дальше"),
])
def test_what_happened_then_go_on_is_what_happened(conversation: Conversation, code: str,
                                                    text: str) -> None:
    """"не сработало, давай дальше" in an English chat: answered in Russian, and the way
    counts as failed, as its first clause says, rather than read as a new question."""
    chat = walking(conversation, "en")
    chat.language_code = code
    chat.send(text)
    assert "key-fob" in chat.state.tried and chat.kind is ReplyKind.WALK
    assert chat.state.language == ("ru" if "не" in text else "en")


@pytest.mark.parametrize("text", ["back", "назад"])
def test_back_typed_under_more_returns_to_the_step(conversation: Conversation,
                                                   text: str) -> None:
    chat = walking(conversation, "en", step=1)
    chat.press(Action.VIEW, "more.key-fob")
    assert chat.kind is ReplyKind.MORE
    chat.send(text)
    assert chat.kind is ReplyKind.WALK and chat.way == "key-fob" and chat.state.step == 1
