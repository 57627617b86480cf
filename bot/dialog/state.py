"""What the bot remembers about one chat, between any two updates and across restarts.

Typed for the core (screens as Screen, the car as a Generation, jump leads as a bool);
to_dict and from_dict are the storage edge, where they become and come back from plain JSON
(screen codes, "yes" / "no"), as every stored chat has them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Final, Literal

from bot.dialog.navigation import Screen
from bot.knowledge import LANGUAGES, Generation

CAR_UNSURE: Final = "unsure"  # the owner was asked and does not know: do not ask again
Car = Generation | Literal["unsure"]
HISTORY_LENGTH = 12  # screens remembered for Back: more than anyone taps back through


@dataclass(frozen=True)
class ChatState:
    language: str | None = None  # None until first contact sets it
    car: Car | None = None  # None when never asked
    way: str | None = None  # the way being walked, if any
    step: int = 0  # 0-based step within that way
    guided: bool = False  # in the "it won't open" run rather than one chosen way
    tried: tuple[str, ...] = ()  # ways that did not work (or were skipped) in this run
    shown: tuple[str, ...] = ()  # ways this run has shown
    plan: tuple[str, ...] = ()  # the run's ways as planned at its start: "way k of n" counts these
    said: tuple[str, ...] = ()  # instructions this run gave (a step's `once`): not said twice
    tools: bool | None = None  # jump leads or a booster at hand, once asked this run
    history: tuple[Screen, ...] = ()  # screens seen, oldest first: where Back goes
    awaiting_comment: Screen | None = None  # the screen whose 👎 asked "what went wrong?"
    told_languages: bool = False  # told once that the bot speaks English and Russian
    # what a message about another make asked ("my Juke's boot won't open"), for when the next
    # says it is a Qashqai after all ("sorry, it's the qashqai, 2016")
    pending: str | None = None

    @property
    def generation(self) -> Generation | None:
        return None if self.car is None or self.car == CAR_UNSURE else Generation(self.car)

    @property
    def screen(self) -> Screen | None:
        """The screen the chat shows now."""
        return self.history[-1] if self.history else None

    def with_(self, **changes: Any) -> ChatState:
        return replace(self, **changes)

    def showing(self, screen: Screen | None) -> ChatState:
        """This screen is now on show; the one before it is where Back goes. (A reply that
        shows no screen of its own, None, leaves the one on show.)"""
        if screen is None or (self.history and self.history[-1] == screen):
            return self
        return replace(self, history=(*self.history, screen)[-HISTORY_LENGTH:])

    def end_walk(self) -> ChatState:
        """No way on screen and no run in progress: what every ending of a walk leaves."""
        return replace(self, way=None, step=0, guided=False, tried=(), shown=(), plan=(),
                       said=(), tools=None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["car"] = None if self.car is None else str(self.car)
        data["tools"] = None if self.tools is None else ("yes" if self.tools else "no")
        data["history"] = [screen.code() for screen in self.history]
        data["awaiting_comment"] = (None if self.awaiting_comment is None
                                    else self.awaiting_comment.code())
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatState:
        """Tolerates fields from older or newer versions of the bot: a stored chat never breaks."""
        if "method" in data and "way" not in data:  # stored before the way had that name
            data = {**data, "way": data["method"]}
        known = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        for name in ("tried", "shown", "plan", "said", "history"):
            value = known.get(name, ())
            known[name] = (tuple(str(v) for v in value) if isinstance(value, list | tuple)
                           else ())
        for name in ("language", "car", "way", "tools", "awaiting_comment", "pending"):
            if name in known and not isinstance(known[name], str | None):
                known.pop(name)
        if not isinstance(known.get("step", 0), int) or isinstance(known.get("step"), bool):
            known.pop("step")
        for name in ("guided", "told_languages"):
            if not isinstance(known.get(name, False), bool):
                known.pop(name)
        known["history"] = tuple(s for code in known["history"]
                                 if (s := Screen.parse(code)) is not None)
        known["car"] = _car(known.get("car"))
        known["tools"] = {"yes": True, "no": False}.get(known.get("tools") or "")
        known["awaiting_comment"] = Screen.parse(known.get("awaiting_comment") or "")
        state = cls(**known)
        if state.language is not None and state.language not in LANGUAGES:
            state = state.with_(language=None)
        return state


def _car(value: str | None) -> Car | None:
    if value == CAR_UNSURE:
        return CAR_UNSURE
    return Generation(value) if value is not None and value in Generation.__members__ else None
