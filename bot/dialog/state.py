"""What the bot remembers about one chat, between any two updates and across restarts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from bot.knowledge import LANGUAGES, Generation

CAR_UNSURE = "unsure"  # the owner was asked and does not know: do not ask again


@dataclass(frozen=True)
class ChatState:
    language: str | None = None  # None until first contact sets it from Telegram's language_code
    car: str | None = None  # a Generation value, CAR_UNSURE, or None when never asked
    method: str | None = None  # the method being walked, if any
    step: int = 0  # 0-based step within that method
    guided: bool = False  # walking the "it won't open" order rather than one chosen method
    tried: tuple[str, ...] = ()  # methods that did not work this time, so none comes twice

    @property
    def generation(self) -> Generation | None:
        if self.car is None or self.car not in Generation.__members__:
            return None
        return Generation(self.car)

    def with_(self, **changes: Any) -> ChatState:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatState:
        """Tolerates fields from older or newer versions of the bot: a stored chat never breaks."""
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        if not isinstance(known.get("tried", ()), list | tuple):
            known.pop("tried")
        known["tried"] = tuple(str(t) for t in known.get("tried", ()))
        state = cls(**known)
        if state.language is not None and state.language not in LANGUAGES:
            state = state.with_(language=None)
        return state
