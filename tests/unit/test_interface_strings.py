"""Every interface text the code asks for is in knowledge/interface.yaml, and every text there
is asked for: found by reading the code, not kept in hand-written lists that drift."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.knowledge import Knowledge

BOT = Path(__file__).resolve().parents[2] / "bot"


def _literals_and_prefixes() -> tuple[set[str], set[str]]:
    """The string literals of bot/, and the constant beginnings of its f-strings
    ("small_talk_" of f"small_talk_{meaning}")."""
    literals: set[str] = set()
    prefixes: set[str] = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(
                    node.values[0], ast.Constant) and isinstance(node.values[0].value, str):
                prefixes.add(node.values[0].value)
    return literals, prefixes


def _asked_for_by_name() -> set[str]:
    """Keys the code passes by name to the calls that fetch an interface text."""
    first = {"ui", "button", "view", "notice"}  # f(key, ...)
    second = {"keyboard_notice"}  # f(state, key)
    keys: set[str] = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            at = 0 if node.func.attr in first else 1 if node.func.attr in second else None
            if at is not None and len(node.args) > at and isinstance(
                    node.args[at], ast.Constant) and isinstance(node.args[at].value, str):
                keys.add(node.args[at].value)
    return keys


def _named_by_the_knowledge(knowledge: Knowledge) -> set[str]:
    """Keys the knowledge itself names: keyboard labels, the leads of urgent messages and of
    what was seen."""
    intents = knowledge.intents
    return ({button.label for button in knowledge.quick_replies}
            | {u.lead for u in intents.urgent.values() if u.lead}
            | {s.lead for s in intents.symptoms.values()})


def test_every_text_the_code_asks_for_exists(knowledge: Knowledge) -> None:
    missing = (_asked_for_by_name() | _named_by_the_knowledge(knowledge)) - set(
        knowledge.interface)
    assert not missing, f"asked for but not in knowledge/interface.yaml: {sorted(missing)}"


def test_every_text_in_interface_yaml_is_asked_for(knowledge: Knowledge) -> None:
    literals, prefixes = _literals_and_prefixes()
    used = literals | _named_by_the_knowledge(knowledge)
    unused = [key for key in knowledge.interface
              if key not in used and not any(key.startswith(p) for p in prefixes if p)]
    assert not unused, f"in knowledge/interface.yaml but asked for by nothing: {unused}"
