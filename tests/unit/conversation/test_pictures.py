"""Pictures on the screens that need them: the step or answer names its drawing in the
chat's language and its caption says the drawing is schematic. An entry with a drawing shows
one on every screen about it (Telegram cannot take a photo off a message in place), the
nearest drawing to the step; other screens show none."""

from __future__ import annotations

from bot.dialog import Conversation, PictureRef
from bot.dialog.callback_data import Action
from bot.dialog.navigation import Kind, Screen
from bot.dialog.terminal_render import plain_text
from tests.unit.conversation.conftest import Chat


def test_the_first_step_of_the_opener_shows_where_it_is(chat: Chat) -> None:
    (step,) = chat.send("🔘 Opener above the plate")
    assert step.picture == PictureRef("opener", "en")
    assert "Schematic" in step.plain_text
    (next_step,) = chat.press(Action.WALK, "lid-button", "1")  # "clear the pad": the same pad
    assert next_step.picture == PictureRef("opener", "en") and next_step.edit
    (back,) = chat.press(Action.BACK)
    assert back.picture == PictureRef("opener", "en") and back.edit
    (menu,) = chat.press(Action.VIEW, "menu")
    assert menu.picture is None and "Schematic" not in menu.plain_text


def test_every_screen_of_an_entry_with_a_drawing_shows_one(chat: Chat) -> None:
    chat.send("flat battery, no power")  # power-failure: its first drawing is the key's
    (answer,) = [r for r in chat.replies if r.screen == Screen(Kind.ANSWER, "power-failure")]
    assert answer.picture == PictureRef("key", "en")
    (more,) = chat.press(Action.VIEW, "more.power-failure")
    (sources,) = chat.press(Action.VIEW, "sources.power-failure")
    assert more.picture == sources.picture == PictureRef("key", "en")
    chat.press(Action.BACK)
    codec = chat.conversation.kit.codec
    (step,) = chat.tap_data(codec.pack(Action.WALK, "power-failure", 0))
    assert step.picture == PictureRef("key", "en")  # "press UNLOCK": the next drawing on


def test_a_russian_chat_gets_the_russian_drawing(conversation: Conversation) -> None:
    chat = Chat(conversation, language_code="ru")
    (step,) = chat.send("🔘 Кнопка над номером")
    assert step.picture == PictureRef("opener", "ru")
    assert "Схема" in step.plain_text


def test_the_release_inside_shows_how_to_reach_it_then_the_lever(chat: Chat) -> None:
    chat.send("how do i open the boot from inside")
    answer = chat.replies[-1]
    assert answer.picture == PictureRef("release-reach", "en")
    pictures = [chat.press(Action.WALK, "interior-release", str(i))[0].picture
                for i in range(5)]
    assert [p.name if p else None for p in pictures] == [
        "release-reach", "release-reach", "release-lever", "release-lever", "release-lever"]


def test_jump_start_steps_show_the_clamp_order(chat: Chat) -> None:
    codec = chat.conversation.kit.codec
    chat.tap_data(codec.pack(Action.WALK, "power-failure", 3))  # asks for jump leads first
    (step,) = chat.press(Action.TOOLS, "yes")
    assert step.picture == PictureRef("jump-start", "en")
    assert "Red" in step.plain_text


def test_an_emergency_answer_has_no_picture(chat: Chat) -> None:
    chat.send("my kid is locked in the boot")
    assert all(reply.picture is None for reply in chat.replies)


def test_the_terminal_names_the_picture_and_its_png(chat: Chat) -> None:
    (step,) = chat.send("🔑 Key fob")
    text = plain_text(step, picture_path="/tmp/key.en.png")
    assert text.splitlines()[0] == "[picture: key] /tmp/key.en.png"
