"""Back returns to the screen the person saw before, wherever they came from."""

from __future__ import annotations

from bot.dialog.callback_data import Action
from bot.dialog.navigation import Kind
from bot.dialog.reply import ReplyKind
from bot.knowledge import Knowledge
from tests.unit.conversation.conftest import Chat


def test_back_from_step_two_is_step_one(chat: Chat) -> None:
    chat.send("🔑 Key fob")
    chat.press(Action.WALK)
    assert chat.state.step == 1
    (reply,) = chat.press(Action.BACK)
    assert reply.edit and chat.way == "key-fob" and chat.state.step == 0


def test_back_from_a_first_step_returns_to_the_list_it_was_picked_from(
    chat: Chat, knowledge: Knowledge
) -> None:
    chat.send("/menu")
    chat.tap("All ways")
    chat.tap(knowledge.entry("key-fob").title.in_("en"))
    chat.press(Action.BACK)
    assert chat.kind is ReplyKind.WAYS


def test_back_from_a_first_step_returns_to_the_answer_it_came_from(chat: Chat) -> None:
    chat.send("where is the boot opener on the tailgate")
    assert chat.kind is ReplyKind.ANSWER
    answer = chat.screen
    chat.press(Action.WALK)
    chat.press(Action.BACK)
    assert chat.kind is ReplyKind.ANSWER and chat.screen == answer


def test_back_from_more_is_the_answer(chat: Chat) -> None:
    chat.send("where is the boot opener on the tailgate")
    chat.tap("More")
    chat.press(Action.BACK)
    assert chat.kind is ReplyKind.ANSWER


def test_back_from_the_next_way_is_the_last_screen_of_the_way_before(chat: Chat) -> None:
    chat.send("boot won't open")
    first = chat.way
    chat.press(Action.SKIP)
    assert chat.way != first
    chat.press(Action.BACK)
    assert chat.way == first, "back to the screen seen before, not to the answer"


def test_back_on_an_old_message_goes_one_level_up(chat: Chat) -> None:
    """The history knows only the newest screens; an old message's Back still leads
    somewhere sensible: a step's parent is the step before, then the answer."""
    chat.send("🔑 Key fob")
    chat.press(Action.WALK)
    old_back = chat.button_doing(Action.BACK)
    chat.send("/start")
    chat.tap_data(old_back.data)
    assert chat.screen is not None and chat.screen.kind is Kind.STEP
    assert chat.state.step == 0


def test_back_from_the_car_question_is_the_menu(chat: Chat) -> None:
    chat.send("/menu")
    chat.tap("My car")
    chat.press(Action.BACK)
    assert chat.kind is ReplyKind.MENU
