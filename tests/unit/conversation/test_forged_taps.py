"""Taps naming a step by its index, forged or from a message older than the chat's car: the
index is checked against the steps of the chat's generation, and anything that does not check
out gets the "older menu" notice, never an error."""

from __future__ import annotations

import itertools

import pytest

from bot.dialog import ChatState, Conversation, Tap
from bot.dialog.callback_data import Action
from bot.dialog.navigation import MENU, Kind, Screen
from bot.dialog.state import CAR_UNSURE
from bot.knowledge import Generation, Knowledge

CARS = [None, CAR_UNSURE, *(g.value for g in Generation)]


def taps_naming(conversation: Conversation, entry_id: str, index: int) -> list[str]:
    """Every button that carries a step index: a step or tools screen, a step of a walk, an
    answer about jump leads, and Back from a step."""
    pack = conversation.kit.codec.pack
    return [pack(Action.VIEW, Screen(Kind.STEP, entry_id, index).code()),
            pack(Action.VIEW, Screen(Kind.TOOLS, entry_id, index).code()),
            pack(Action.WALK, entry_id, index),
            pack(Action.TOOLS, "yes", entry_id, index),
            pack(Action.TOOLS, "no", entry_id, index),
            pack(Action.BACK, Screen(Kind.STEP, entry_id, index).code()),
            pack(Action.BACK, Screen(Kind.TOOLS, entry_id, index).code())]


def shorter_for_some_car(knowledge: Knowledge) -> list[tuple[str, str, int]]:
    """(entry, car, index): a step the entry has, but not for that car."""
    return [(entry.id, generation.value, index)
            for entry in knowledge.entries.values() for generation in Generation
            for index in range(len(entry.steps_for(generation)), len(entry.steps))]


def test_the_knowledge_has_steps_some_cars_lack(knowledge: Knowledge) -> None:
    assert shorter_for_some_car(knowledge), "the tests below need such a step"


@pytest.mark.parametrize("kind", [Kind.STEP, Kind.TOOLS])
def test_a_step_the_chats_car_does_not_have_gets_the_older_menu_notice(
        conversation: Conversation, knowledge: Knowledge, kind: Kind) -> None:
    stale = knowledge.ui("stale_button", "en")
    for entry_id, car, index in shorter_for_some_car(knowledge):
        state = ChatState(language="en", car=car, history=(MENU,))
        data = conversation.kit.codec.pack(Action.VIEW, Screen(kind, entry_id, index).code())
        after, (reply,), _ = conversation.handle(state, Tap(data))
        assert stale in reply.text, (entry_id, car, index)
        assert after.way is None and after.tried == (), "the walk is not moved on"


def test_no_step_index_on_any_car_raises_or_says_something_went_wrong(
        conversation: Conversation, knowledge: Knowledge) -> None:
    wrong = knowledge.ui("something_went_wrong", "en")
    walked = [e for e in knowledge.entries.values() if e.steps]
    for entry, car, walking in itertools.product(walked, CARS, [False, True]):
        state = ChatState(language="en", car=car, history=(MENU,))
        if walking:  # mid-walk, so Back and "next" have a place to come from
            state = state.with_(way=entry.id, guided=True, shown=(entry.id,))
        for index in range(len(entry.steps) + 2):
            for data in taps_naming(conversation, entry.id, index):
                _, replies, _ = conversation.handle(state, Tap(data))
                assert replies and all(wrong not in r.text for r in replies), data
