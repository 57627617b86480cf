"""The conversation sets (tests/data/conversations*.yaml), each written from the issue alone
without seeing the bot, scored as `python -m bot eval` scores them: a floor per behaviour, so a
change that breaks typed replies or emergencies fails here, not in a car park."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.dialog import Conversation
from bot.evaluation.conversations import evaluate, format_report, read_cases

DATA = Path(__file__).parents[2] / "data"
# Per behaviour, a little under today's figures. conversations-5.yaml is measured only, never
# tuned on (its weakest behaviours, other makes and small talk, score 0.5 and 0.7 today).
FLOORS = {"conversations.yaml": 0.8, "conversations-2.yaml": 0.8, "conversations-3.yaml": 0.8,
          "conversations-4.yaml": 0.8, "conversations-5.yaml": 0.5, "conversations-7.yaml": 0.8,
          "conversations-8.yaml": 0.5}  # -8: read at issue 16's close, tuned on a little


@pytest.mark.parametrize("name", ["conversations-7.yaml"])
def test_every_emergency_turn_passes_and_a_boot_conversation_is_never_declined(
        conversation: Conversation, name: str) -> None:
    """Issue 16's bars that admit no exception, on the sets written for it."""
    outcomes = evaluate(conversation, read_cases(DATA / name))
    missed = [o.case.id for o in outcomes if o.emergency_passed < o.emergency_turns]
    assert not missed, f"emergency turns missed in {missed}"
    assert sum(o.boot_declines for o in outcomes) == 0


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_every_behaviour_holds_on_the_conversation_sets(conversation: Conversation,
                                                        name: str) -> None:
    outcomes = evaluate(conversation, read_cases(DATA / name))
    behaviours = {o.case.behaviour for o in outcomes}
    assert len(behaviours) >= 9, "each behaviour of the issue has cases"
    for behaviour in behaviours:
        group = [o for o in outcomes if o.case.behaviour == behaviour]
        rate = sum(o.passed for o in group) / len(group)
        assert rate >= FLOORS[name], format_report(group)


def test_a_failed_expectation_is_reported(conversation: Conversation, tmp_path: Path) -> None:
    """The scorer can fail: a case expecting the wrong screen is counted as failed."""
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text('- id: x\n  behaviour: commonest\n  turns:\n'
                     '    - user: "boot wont open"\n      expect: {screen: small_talk}\n',
                     encoding="utf-8")
    (outcome,) = evaluate(conversation, read_cases(wrong))
    assert not outcome.passed and "small_talk" in outcome.failures[0]
