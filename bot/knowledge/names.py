"""The closed sets of names the knowledge and the code share: languages, generations, acts,
entry kinds. Plain constants and enums, apart from the schemas in model.py, so a chat's state
and the storage can name them without loading pydantic."""

from __future__ import annotations

from enum import StrEnum

LANGUAGES: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"


class Generation(StrEnum):
    """The three Qashqai generations the article tells apart."""

    J10 = "J10"
    J11 = "J11"
    J12 = "J12"


ALL_GENERATIONS: frozenset[Generation] = frozenset(Generation)


class Act(StrEnum):
    """What a typed message does on the screen a person is on (knowledge/examples/acts/)."""

    WORKED = "worked"  # the boot is open
    FAILED = "failed"  # it did not open; tried that too
    NEXT = "next"  # done that, go on, what now
    BACK = "back"
    REPEAT = "repeat"  # say that again
    SKIP = "skip"  # cannot do this step, or have not got what it needs
    STOP = "stop"  # menu, cancel, give up
    YES = "yes"
    NO = "no"
    QUESTION = "question"  # about the step on screen or anything else, or a new problem
    SMALL_TALK = "small_talk"  # hi, thanks, ok, swearing, wait, bye


NO_ENTRY = "none"  # the question examples' label for "no entry answers this"


class EntryKind(StrEnum):
    WAY = "way"  # a way to open the boot, walked one step at a time
    TOPIC = "topic"
    FAQ = "faq"
