"""The "it won't open" run: it starts at once, goes through the ways one at a time, free
checks first, asks about a feature only where it matters, and ends honestly."""

from __future__ import annotations

import itertools
import re

import pytest

from bot.dialog import ChatState, Conversation
from bot.dialog.callback_data import Action
from bot.dialog.reply import ReplyKind
from bot.knowledge import Knowledge
from tests.unit.conversation.conftest import Chat

WONT_OPEN = [
    ("en", "boot wont open"), ("en", "trunk won't open!! its pouring"),
    ("en", "tailgate stuck shut help"), ("en", "cant get the hatch open"),
    ("en", "my qashqai boot is not opening"), ("ru", "багажник не открывается"),
    ("ru", "не могу открыть багажник"), ("ru", "ляда не открывается че делать"),
    ("ru", "багажник неоткрываеться помогите"), ("ru", "пятая дверь не открывается"),
]


def way_position(text: str) -> tuple[int, int]:
    found = re.search(r"(?:Way|Способ) (\d+) (?:of|из) (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def run_to_the_end(chat: Chat, *, tools: bool = False, has_features: bool = False,
                   limit: int = 40) -> list[str]:
    """Answers every question and taps "didn't work" on every way; the ways seen, in order."""
    seen: list[str] = []
    for _ in range(limit):
        if chat.kind is ReplyKind.NOTHING_WORKED:
            return seen
        if chat.kind is ReplyKind.WALK and chat.way is not None and chat.way not in seen:
            seen.append(chat.way)
        if chat.kind is ReplyKind.TOOLS_QUESTION:
            chat.press(Action.TOOLS, "yes" if tools else "no")
        elif chat.kind is ReplyKind.GATE_QUESTION:
            chat.press(Action.GATE, "yes" if has_features else "no")
        elif chat.has_button_doing(Action.SKIP):
            chat.press(Action.SKIP)
        else:
            chat.press(Action.FAILED)
    raise AssertionError(f"the run did not end: {seen}")


def skip_to_the_tools_question(chat: Chat, way_id: str) -> None:
    """Through the run to the tools question of `way_id`: other ways skipped, its own
    free steps stepped through."""
    for _ in range(40):
        if chat.kind is ReplyKind.TOOLS_QUESTION:
            return
        if chat.kind is ReplyKind.GATE_QUESTION:
            chat.press(Action.GATE, "no")
        elif chat.way == way_id:
            chat.press(Action.WALK)
        else:
            chat.press(Action.SKIP if chat.has_button_doing(Action.SKIP) else Action.FAILED)
    raise AssertionError("no tools question before the steps that need tools")


@pytest.mark.parametrize(("language_code", "text"), WONT_OPEN)
def test_any_wording_of_it_wont_open_starts_the_run_at_once(
    conversation: Conversation, language_code: str, text: str
) -> None:
    chat = Chat(conversation, language_code)
    chat.send(text)
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION), chat.text
    assert chat.state.guided
    assert way_position(chat.text)[0] == 1


def test_the_run_never_asks_for_the_car(chat: Chat) -> None:
    chat.send("boot won't open")
    run_to_the_end(chat)
    assert chat.kind is ReplyKind.NOTHING_WORKED
    assert chat.state.car is None


def test_way_k_of_n_counts_only_this_runs_ways(chat: Chat) -> None:
    chat.send("boot won't open")
    positions = []
    for _ in range(40):
        if chat.kind is ReplyKind.NOTHING_WORKED:
            break
        if chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION) and "Way" in chat.text:
            position = way_position(chat.text)
            if not positions or positions[-1] != position:
                positions.append(position)
        if chat.kind is ReplyKind.TOOLS_QUESTION:
            chat.press(Action.TOOLS, "no")
        elif chat.kind is ReplyKind.GATE_QUESTION:
            chat.press(Action.GATE, "no")
        else:
            chat.press(Action.SKIP if chat.has_button_doing(Action.SKIP) else Action.FAILED)
    assert positions[0][0] == 1
    for (k, n), (next_k, next_n) in itertools.pairwise(positions):
        assert next_k in (k, k + 1), positions  # a way left out ("no, mine hasn't") frees k
        assert next_n <= n, positions  # n only shrinks as ways drop out
    assert all(k <= n for k, n in positions)
    assert positions[-1][0] == positions[-1][1], "the last way is way n of n"


def test_a_j10_run_leaves_out_what_a_j10_cannot_have(conversation: Conversation,
                                                     knowledge: Knowledge) -> None:
    chat = Chat(conversation, state=ChatState(language="en", car="J10"))
    chat.send("boot won't open")
    seen = run_to_the_end(chat, has_features=True, tools=True)
    missing = [m for m in knowledge.guided_order if not knowledge.entry(m).applies_to(
        chat.state.generation)]
    assert missing and not set(missing) & set(seen)


def test_a_way_only_some_cars_have_is_asked_about_and_no_skips_it(
    chat: Chat, knowledge: Knowledge
) -> None:
    asked = [m for m in knowledge.guided_order if knowledge.entry(m).ask_first is not None]
    assert asked, "the knowledge asks about a feature before some way"
    chat.send("boot won't open")
    seen = run_to_the_end(chat, has_features=False)
    assert not set(asked) & set(seen)
    chat.send("/menu")
    chat.press(Action.GUIDED)
    seen = run_to_the_end(chat, has_features=True)
    assert set(asked) <= set(seen)


def test_steps_that_need_tools_wait_for_a_yes(chat: Chat, knowledge: Knowledge) -> None:
    with_tools = [m for m in knowledge.guided_order
                  if any(s.needs_tools for s in knowledge.entry(m).steps)]
    assert with_tools, "some way has steps that need jump leads or a booster"
    way = knowledge.entry(with_tools[0])
    first_tool_step = next(i for i, s in enumerate(way.steps) if s.needs_tools)
    chat.send("boot won't open")
    skip_to_the_tools_question(chat, way.id)
    assert chat.state.step == first_tool_step, "asked before the first step with tools"
    chat.press(Action.TOOLS, "no")
    assert chat.way != way.id or not way.steps[chat.state.step].needs_tools
    chat.send("/menu")
    chat.press(Action.GUIDED)
    skip_to_the_tools_question(chat, way.id)
    chat.press(Action.TOOLS, "yes")
    assert chat.way == way.id and chat.state.step == first_tool_step


def test_the_release_from_inside_comes_once_near_the_end(chat: Chat,
                                                        knowledge: Knowledge) -> None:
    chat.send("boot won't open")
    seen = run_to_the_end(chat, tools=True, has_features=True)
    assert seen.count("interior-release") == 1
    assert seen[-1] == "interior-release"
    walked_text = " ".join(knowledge.entry(m).title.in_("en") for m in seen[:-1])
    assert "inside" not in walked_text.lower()


def test_the_end_is_honest_and_does_not_offer_what_failed(chat: Chat,
                                                         knowledge: Knowledge) -> None:
    chat.send("boot won't open")
    seen = run_to_the_end(chat, tools=True, has_features=True)
    (end,) = chat.replies
    assert end.kind is ReplyKind.NOTHING_WORKED
    assert re.search(r"roadside|dealer|electrician", end.text)
    offered = [b.label for row in end.buttons for b in row]
    assert not any(knowledge.entry(m).title.in_("en") in offered for m in seen)
    chat.send("no")
    assert chat.kind is ReplyKind.NOTHING_WORKED, "a further no does not restart the run"
    chat.send("so what now")
    assert chat.kind is ReplyKind.NOTHING_WORKED


@pytest.mark.parametrize(("language_code", "text", "tried"), [
    ("en", "tried the fob and the button, boot still shut", {"key-fob", "lid-button"}),
    ("en", "kicked under the bumper a dozen times and the tailgate wont open", {"hands-free"}),
    ("ru", "ни кнопкой ни брелоком не открывается", {"key-fob", "lid-button"}),
    ("ru", "пробовал брелок и кнопку, багажник закрыт", {"key-fob", "lid-button"}),
])
def test_ways_already_tried_are_skipped(conversation: Conversation, language_code: str,
                                        text: str, tried: set[str]) -> None:
    chat = Chat(conversation, language_code)
    chat.send(text)
    assert chat.state.guided and tried <= set(chat.state.tried)
    seen = run_to_the_end(chat, tools=True, has_features=True)
    assert not tried & set(seen)


@pytest.mark.parametrize(("text", "car"), [
    ("my 2010 qashqai boot wont open", "J10"),
    ("j11 tailgate wont open", "J11"),
    ("кашкай 2011 года, багажник не открывается", "J10"),
    ("2023 qashqai boot stuck shut", "J12"),
])
def test_a_model_year_sets_the_car_and_the_run_still_starts(chat: Chat, text: str,
                                                            car: str) -> None:
    chat.send(text)
    assert chat.state.car == car
    assert chat.kind in (ReplyKind.WALK, ReplyKind.GATE_QUESTION)
    assert car in chat.replies[-1].plain_text.split("\n\n")[0], "one line says so"


def test_no_leads_at_the_end_of_a_faqs_steps_goes_on_to_the_ways(chat: Chat,
                                                                 knowledge: Knowledge) -> None:
    """The dead-battery answer's last steps need leads: without them, the run of ways goes
    on, and the answer itself is not counted as a way tried."""
    faq = knowledge.entry("faq-dead-battery")
    first_tool_step = next(i for i, s in enumerate(faq.steps) if s.needs_tools)
    chat.send("/start")
    chat.press(Action.VIEW, "faq")
    chat.tap(faq.title.in_("en"))
    chat.tap("What to do")
    while chat.state.step < first_tool_step and chat.state.way == faq.id:
        chat.press(Action.WALK, faq.id)
    chat.press(Action.TOOLS, "no")
    assert chat.way in knowledge.guided_order and chat.way != faq.id
    assert faq.id not in chat.state.tried
    assert all(knowledge.entry(m).is_way for m in chat.state.tried)


def test_a_steps_more_is_a_tap_away_and_back_keeps_the_run(chat: Chat) -> None:
    chat.send("boot won't open")
    way = chat.way
    chat.tap("More")
    assert chat.kind is ReplyKind.MORE
    chat.press(Action.BACK)
    assert chat.kind is ReplyKind.WALK and chat.way == way and chat.state.guided
    chat.press(Action.SKIP)
    assert chat.way != way and way in chat.state.tried


@pytest.mark.parametrize(("code", "text"), [
    ("en", "boot won't open. no jump leads, no booster, no other car, just me"),
    ("ru", "багажник не открывается, проводов нет, бустера нет, я одна на парковке"),
])
def test_no_jump_leads_said_with_the_problem_starts_the_run_without_tools(
        conversation: Conversation, code: str, text: str) -> None:
    """Leads named as missing are not the question: the run, not the flat-battery page."""
    chat = Chat(conversation, code)
    chat.send(text)
    assert chat.kind is ReplyKind.WALK and chat.state.guided and chat.state.tools is False


def test_every_way_named_as_tried_ends_honestly_at_once(conversation: Conversation) -> None:
    chat = Chat(conversation, "ru")
    chat.send("перепробовал всё: кнопку на крышке, брелок, с ключом в кармане, ногой под "
              "бампером, охрана снята, прикуривал от другой машины, дёргал аварийку изнутри. "
              "не открывается")
    assert chat.kind is ReplyKind.NOTHING_WORKED
