"""👍 / 👎 after an answer and at the end of a walk, and "what went wrong?" after a 👎.

Where the prompt goes, and why: a row of two buttons on the rated message itself, just above
its Menu row. A separate "was this helpful?" message would arrive below the answer and push a
step off a phone's screen in a car park; a row on the message adds no text, and the person
rates what is in front of them. A tap edits that same message: the row goes (never more than
one prompt per answer shown) and one line thanks them, or asks what went wrong with a Skip
button. The answer itself stays, so nothing they still need disappears.

"What went wrong?" takes the next message typed, whatever it says; anything else (a tap, a
command, a keyboard button, or someone shut in the boot) leaves the question behind and is
handled as usual. What was rated or said is recorded by the shell (bot/records), which reads
the reply kinds below and the chat's state before the turn; this module only decides what to
show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from bot.dialog.callback_data import Action
from bot.dialog.effects import Commented, Rated, Rating
from bot.dialog.events import Event, TextMessage
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Button, Reply, ReplyKind
from bot.dialog.screens import Kit, Menus
from bot.dialog.screens.kit import bold, plain
from bot.dialog.state import ChatState
from bot.dialog.typed_text import MAX_QUESTION_CHARS, Moves
from bot.dialog.walks import Result
from bot.knowledge import QuickReply
from bot.matching.reader import Reader

UP, DOWN, SKIP = "up", "down", "skip"  # what a rating button carries
RATED_KINDS = frozenset({ReplyKind.ANSWER, ReplyKind.WORKED, ReplyKind.NOTHING_WORKED})
RATED_SCREENS = frozenset({Kind.ANSWER, Kind.WORKED, Kind.NOTHING_WORKED})
MAX_COMMENT_CHARS = 1000  # "what went wrong" in a message, not an essay


def comment_of(text: str) -> str:
    """What is kept of a comment: its words on one line, at most MAX_COMMENT_CHARS."""
    return " ".join(text.split())[:MAX_COMMENT_CHARS]


class Feedback:
    def __init__(self, kit: Kit, menus: Menus, reader: Reader,
                 quick_replies: Mapping[str, QuickReply], moves: Moves) -> None:
        self.kit = kit
        self.menus = menus
        self.reader = reader
        self.quick_replies = quick_replies
        self.moves = moves

    def offer(self, state: ChatState, replies: list[Reply]) -> list[Reply]:
        """Each answer, "it opened" and end of a run gets the 👍 / 👎 row above its Menu."""
        return [self._with_row(r, self._rating_row(state, r.screen))
                if r.kind in RATED_KINDS and r.screen else r for r in replies]

    def rate(self, state: ChatState, rating: str, code: str, *, edit: bool) -> Result | None:
        """A rating button: the rated screen again, thanking, or asking what went wrong.
        None for a screen that cannot be rated (forged or gone)."""
        screen = Screen.parse(code)
        if (screen is None or screen.kind not in RATED_SCREENS or rating not in (UP, DOWN, SKIP)
                or not self.moves.valid(screen, state)):
            return None
        state, replies = self.moves.view(state, screen, edit=edit)
        shown, kit = replies[0], self.kit
        match rating:
            case "up":
                state = state.with_(awaiting_comment=None)
                thanks = plain(kit.ui("feedback_thanks", state))
                shown = replace(shown, text=f"{shown.text}\n\n{thanks}", kind=ReplyKind.RATED_UP,
                                effects=(Rated(screen, Rating.UP),))
            case "down":
                state = state.with_(awaiting_comment=screen)
                skip = (kit.button("button_skip_comment", state, Action.RATE, SKIP, code),)
                shown = replace(self._with_row(shown, skip), kind=ReplyKind.RATED_DOWN,
                                text=f"{shown.text}\n\n{bold(kit.ui('feedback_ask', state))}",
                                effects=(Rated(screen, Rating.DOWN),))
            case _:
                state = state.with_(awaiting_comment=None)
                shown = replace(shown, kind=ReplyKind.COMMENT_SKIPPED, effects=())
        return state, [shown]

    def take_comment(self, state: ChatState, event: Event) -> Result | None:
        """While "what went wrong?" waits: thanks for the comment (and no longer waiting), or
        None when the event is something else, to be handled as usual."""
        text = comment_of(event.text) if isinstance(event, TextMessage) else ""
        if (not text or text in self.quick_replies
                or self.reader.read(text[:MAX_QUESTION_CHARS]).urgent is not None):
            return None
        if state.awaiting_comment is None:
            return None
        commented = Commented(state.awaiting_comment, text)
        state = state.with_(awaiting_comment=None)
        thanks = self.menus.notice("feedback_comment_thanks", state,
                                           kind=ReplyKind.COMMENTED).doing(commented)
        return state.showing(thanks.screen), [thanks]

    def _rating_row(self, state: ChatState, screen: Screen) -> tuple[Button, ...]:
        kit, code = self.kit, screen.code()
        return (kit.button("button_rate_up", state, Action.RATE, UP, code),
                kit.button("button_rate_down", state, Action.RATE, DOWN, code))

    @staticmethod
    def _with_row(reply: Reply, row: tuple[Button, ...]) -> Reply:
        """`row` just above the last row (Menu), or alone when there are no rows."""
        rows = reply.buttons
        return replace(reply, buttons=(*rows[:-1], row, *rows[-1:]))
