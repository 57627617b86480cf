"""The screens a chat can show, named so that a button, the chat's history and the tests
can all say which one: "menu", "answer.lid-button", "step.lid-button.2".

A screen is what the person sees, whatever message it is in; Back returns to the screen seen
before (ChatState.history), and a Back tapped on an old message, whose history is gone,
returns to the screen's parent instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    MENU = "menu"
    WAYS = "ways"  # the list of ways to open
    FAQ = "faq"
    CAR = "car"  # which Qashqai?
    HELP = "help"
    ANSWER = "answer"  # an entry's short answer
    MORE = "more"  # an entry's tips, warnings, table
    SOURCES = "sources"  # where an entry's claims come from
    STEP = "step"  # one step of a way
    TOOLS = "tools"  # "have you got jump leads?" before a step that needs them
    GATE = "gate"  # "does your car have this?" before a way only some cars have
    WORKED = "worked"
    NOTHING_WORKED = "end"  # the honest end of a run
    EMERGENCY = "emergency"  # someone shut in: the call for help, then one step per message


_NEEDS_ENTRY = {Kind.ANSWER, Kind.MORE, Kind.SOURCES, Kind.STEP, Kind.TOOLS, Kind.GATE,
                Kind.WORKED, Kind.EMERGENCY}
_NEEDS_INDEX = {Kind.STEP, Kind.TOOLS, Kind.EMERGENCY}
_ENTRY_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_INDEX = re.compile(r"[0-9]{1,3}")  # ASCII only: "²".isdigit() but int("²") fails


@dataclass(frozen=True)
class Screen:
    kind: Kind
    entry: str = ""  # the entry or way it shows, where it shows one
    index: int = 0  # the 0-based step, for steps and the tools question

    def code(self) -> str:
        parts = [self.kind.value]
        if self.kind in _NEEDS_ENTRY:
            parts.append(self.entry)
        if self.kind in _NEEDS_INDEX:
            parts.append(str(self.index))
        return ".".join(parts)

    @classmethod
    def parse(cls, code: str) -> Screen | None:
        """None for anything malformed: codes arrive in button data, which can be forged."""
        kind_text, *rest = code.split(".")
        try:
            kind = Kind(kind_text)
        except ValueError:
            return None
        wanted = (kind in _NEEDS_ENTRY) + (kind in _NEEDS_INDEX)
        if len(rest) != wanted:
            return None
        if kind in _NEEDS_ENTRY and not _ENTRY_ID.fullmatch(rest[0]):
            return None
        if kind in _NEEDS_INDEX and not _INDEX.fullmatch(rest[1]):
            return None
        return cls(kind, rest[0] if rest else "", int(rest[1]) if len(rest) > 1 else 0)

    def parent(self) -> Screen:
        """Where Back goes when the history does not know: one level up."""
        match self.kind:
            case Kind.STEP | Kind.TOOLS if self.index > 0:
                return Screen(Kind.STEP, self.entry, self.index - 1)
            case Kind.EMERGENCY if self.index > 0:
                return Screen(Kind.EMERGENCY, self.entry, self.index - 1)
            case Kind.STEP | Kind.TOOLS | Kind.MORE | Kind.SOURCES | Kind.GATE:
                return Screen(Kind.ANSWER, self.entry)
            case _:
                return MENU


MENU = Screen(Kind.MENU)
WAYS = Screen(Kind.WAYS)
FAQ = Screen(Kind.FAQ)
