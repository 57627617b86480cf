"""Typed messages read in the context of the screen on show (issue 16): reports inside a walk,
questions about the step, what was tried or seen, the emergency as a state, languages the
bot does not speak, car questions that are not about the boot."""

from __future__ import annotations

import re

import pytest

from bot.dialog import Conversation
from bot.dialog.callback_data import Action
from bot.dialog.navigation import Kind
from bot.dialog.reply import ReplyKind
from tests.unit.conversation.conftest import Chat

WAY_COUNT = re.compile(r"(?:Way|Способ) (\d+) (?:of|из) (\d+)")


def walking(conversation: Conversation, code: str = "en") -> Chat:
    chat = Chat(conversation, code)
    chat.send("boot wont open" if code == "en" else "багажник не открывается")
    assert chat.kind is ReplyKind.WALK
    return chat


@pytest.mark.parametrize("report", ["tried that as well", "nothing. what next",
                                    "found the pad, pressed it, nada", "pushed it twice already",
                                    "всё равно глухо", "не спрацювало"])
def test_a_report_inside_a_walk_moves_it_on(conversation: Conversation, report: str) -> None:
    chat = walking(conversation)
    first = chat.screen
    chat.send(report)
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION), chat.text
    assert chat.screen != first


def test_a_way_a_report_names_is_not_offered_again(conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("found the rubber pad over the number plate, pressed it a few times, nothing")
    chat.send("nope")
    chat.send("still nothing")
    ways = [chat.state.way, *chat.state.shown]
    assert "lid-button" not in ways[1:] or chat.state.shown.index("lid-button") == 0, ways
    assert "lid-button" in chat.state.tried


def test_no_jump_leads_inside_a_walk_is_understood_not_declined(
        conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("no jumper cables here")
    assert chat.kind is not ReplyKind.DECLINED


@pytest.mark.parametrize(("way", "question", "about"), [
    ("interior-release", "which direction does the lever go", "handbook"),
    ("lid-button", "where exactly is it", "number plate"),
])
def test_a_question_about_the_step_is_answered_and_the_walk_stays(
        conversation: Conversation, way: str, question: str, about: str) -> None:
    chat = Chat(conversation, "en")
    chat.send("/menu")
    chat.press(Action.VIEW, "ways")
    chat.press(Action.WALK, way)
    step = chat.screen
    chat.send(question)
    assert chat.kind is ReplyKind.STEP_HELP
    assert chat.screen == step, "the walk stays where it was"
    assert about in chat.text.lower()


def test_the_way_count_of_a_run_stays_the_same(conversation: Conversation) -> None:
    chat = walking(conversation)
    totals = set()
    for _ in range(12):
        totals |= {m.group(2) for m in WAY_COUNT.finditer(chat.text)}
        if chat.kind is ReplyKind.NOTHING_WORKED:
            break
        chat.send("no" if chat.kind is ReplyKind.GATE_QUESTION else "didnt work")
    assert chat.kind is ReplyKind.NOTHING_WORKED
    assert len(totals) == 1, totals


def test_press_unlock_twice_is_said_once_in_a_run(conversation: Conversation) -> None:
    chat = walking(conversation)
    said = 0
    for _ in range(30):
        said += chat.text.count("UNLOCK on the key twice")
        if chat.kind is ReplyKind.NOTHING_WORKED:
            break
        chat.send("no" if chat.kind is ReplyKind.GATE_QUESTION else "next")
    assert said == 1


def test_every_door_unlocking_points_to_the_tailgates_own_parts(
        conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("yes every door unlocks, just not the boot")
    assert conversation.knowledge.ui("symptom_locks_pop", "en") in chat.text
    assert chat.state.way == "interior-release" or chat.kind is ReplyKind.GATE_QUESTION


def test_a_beep_without_lifting_is_the_power_tailgate(conversation: Conversation) -> None:
    chat = Chat(conversation, "en")
    chat.send("the power tailgate beeps but won't lift")
    assert chat.screen is not None and chat.screen.entry == "power-tailgate"
    assert conversation.knowledge.ui("symptom_beeps", "en") in chat.text


def test_after_the_call_for_help_each_message_gives_the_next_step(
        conversation: Conversation) -> None:
    chat = Chat(conversation, "en")
    chat.send("my son is locked in the boot")
    assert chat.kind is ReplyKind.EMERGENCY and "112" in chat.text.splitlines()[0]
    seen = [chat.text]
    for follow_up in ("pressed unlock, still shut", "he's calm now", "ok what next"):
        chat.send(follow_up)
        assert chat.kind is ReplyKind.EMERGENCY
        assert chat.text not in seen, "the next concrete step, not the same screen"
        seen.append(chat.text)
    chat.send("he's out!")
    assert chat.kind is ReplyKind.WORKED


@pytest.mark.parametrize(("code", "shut_in", "open_now", "not_yet"), [
    ("en", "my dog is locked in the boot", "ok its open", "not open yet"),
    ("ru", "ребёнок закрыт в багажнике", "открыли", "ещё не открыли"),
])
def test_after_the_call_for_help_the_boot_open_ends_it_and_not_yet_goes_on(
        conversation: Conversation, code: str, shut_in: str, open_now: str,
        not_yet: str) -> None:
    chat = Chat(conversation, code)
    chat.send(shut_in)
    chat.send(not_yet)
    assert chat.kind is ReplyKind.EMERGENCY, "a negation is never taken for 'it opened'"
    chat.send(open_now)
    assert chat.kind is ReplyKind.WORKED


def test_what_was_seen_mid_walk_changes_the_advice_even_worded_as_a_question(
        conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("when i hit unlock every lock pops up except the boot, why?")
    assert conversation.knowledge.ui("symptom_locks_pop", "en") in chat.text


@pytest.mark.parametrize("code", ["en", "ru"])
def test_saying_again_that_it_wont_open_mid_walk_moves_it_on(conversation: Conversation,
                                                              code: str) -> None:
    chat = walking(conversation, code)
    before = chat.text
    chat.send("boot still wont open" if code == "en" else "багажник не открывается")
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION, ReplyKind.TOOLS_QUESTION)
    assert chat.text != before and chat.kind is not ReplyKind.STEP_HELP


@pytest.mark.parametrize(("code", "text"), [
    ("uk", "дитина в багажнику, не відкривається!!"),
    ("de", "Mein Sohn ist im Kofferraum eingeschlossen"),
    ("en", "my dog is shut in the boot"),
])
def test_the_call_for_help_comes_before_anything_else(conversation: Conversation, code: str,
                                                      text: str) -> None:
    chat = Chat(conversation, code)
    replies = chat.send(text)
    assert replies[0].kind is ReplyKind.EMERGENCY, [r.kind for r in replies]
    assert re.search("112|999|911", replies[0].plain_text.splitlines()[0])


def test_an_emergency_told_on_the_second_turn_is_caught(conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("wait the dog is in there!!")
    assert chat.kind is ReplyKind.EMERGENCY


@pytest.mark.parametrize("text", ["the cat litter is in there and it won't open",
                                  "dog bed is in the boot and it wont open"])
def test_a_pets_things_in_the_boot_are_no_emergency(conversation: Conversation,
                                                    text: str) -> None:
    chat = Chat(conversation, "en")
    chat.send(text)
    assert chat.kind is not ReplyKind.EMERGENCY


def test_german_is_told_which_languages_the_bot_speaks(conversation: Conversation) -> None:
    chat = Chat(conversation, "de")
    chat.send("Heckklappe geht nicht auf, was kann ich tun")
    assert "English and Russian" in chat.text
    assert chat.kind is ReplyKind.WALK and chat.state.language == "en"


def test_a_ukrainian_report_inside_a_walk_is_understood(conversation: Conversation) -> None:
    chat = walking(conversation, "ru")
    first = chat.screen
    chat.send("не спрацювало")
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION) and chat.screen != first


@pytest.mark.parametrize("text", ["what oil for my 2016", "tyre pressure for a j11 qashqai"])
def test_a_car_question_not_about_the_boot_is_declined_and_notes_no_car(
        conversation: Conversation, text: str) -> None:
    chat = Chat(conversation, "en")
    chat.send(text)
    assert chat.kind is ReplyKind.DECLINED
    assert chat.state.car is None and "Noted" not in chat.text


@pytest.mark.parametrize(("text", "car"), [("rogue sport 2018 liftgate wont open", "J11"),
                                           ("my dualis boot wont open", None)])
def test_the_qashqais_other_names_are_the_qashqai(conversation: Conversation, text: str,
                                                  car: str | None) -> None:
    chat = Chat(conversation, "en")
    chat.send(text)
    assert chat.kind is ReplyKind.WALK, chat.text
    assert "I only know" not in chat.text
    if car is not None:
        assert chat.state.car == car


def test_a_message_the_bot_cannot_place_inside_a_walk_asks_the_screens_question_again(
        conversation: Conversation) -> None:
    chat = walking(conversation)
    step = chat.screen
    chat.send("hmm the thingy")
    assert chat.kind is not ReplyKind.DECLINED
    assert chat.screen is not None and chat.screen.kind in (Kind.STEP, Kind.GATE)
    assert chat.screen == step or chat.kind is ReplyKind.STEP_HELP


@pytest.mark.parametrize(("code", "first", "then"), [
    ("ru", "прикурили, багажник открылся, что теперь с аккумулятором делать", "у меня e-power"),
    ("en", "jump started it and the boot opened, what now about the battery", "mine is e-power"),
])
def test_naming_e_power_after_the_jump_is_about_the_car_not_declined(
        conversation: Conversation, code: str, first: str, then: str) -> None:
    chat = Chat(conversation, code)
    chat.send(first)
    assert chat.screen is not None and chat.screen.entry == "after-jump"
    chat.send(then)
    assert chat.kind is not ReplyKind.DECLINED and "READY" in chat.text


@pytest.mark.parametrize(("text", "entry"), [
    ("went thru the car wash, froze overnight and now the hatch is stuck", "frozen"),
    ("what do i tell the mechanic about my boot not opening", "garage"),
    ("что сказать в сервисе если багажник не открывается", "garage"),
])
def test_wont_open_said_in_passing_leaves_a_situation_that_plainly_fits(
        conversation: Conversation, text: str, entry: str) -> None:
    chat = Chat(conversation, "ru" if re.search("[а-я]", text) else "en")
    chat.send(text)
    assert chat.screen is not None and chat.screen.entry == entry, chat.text
    chat = Chat(conversation, "en")
    chat.send("boot stuck shut, wont open")
    assert chat.kind is ReplyKind.WALK  # said alone, it is still the walk


def test_a_way_that_never_worked_on_this_car_is_passed_over(
        conversation: Conversation) -> None:
    chat = walking(conversation)
    chat.send("the boot button on my fob does nothing either")
    chat.send("and the keyless thing has never worked on mine tbh")
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION, ReplyKind.TOOLS_QUESTION)
    assert chat.state.way not in ("keyless-entry", "key-fob"), chat.text
