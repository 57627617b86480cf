"""What every screen is made with: interface texts in the chat's language, escaped HTML, and
buttons whose data says where they lead."""

from __future__ import annotations

from html import escape

from bot.dialog.callback_data import Action, CallbackCodec
from bot.dialog.navigation import Screen
from bot.dialog.reply import Button, PictureRef
from bot.dialog.state import CAR_UNSURE, ChatState
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES, Entry, Generation, Knowledge, Step

Rows = tuple[tuple[Button, ...], ...]

# Telegram language codes whose speakers may prefer either of our languages: ask, don't guess.
ASK_LANGUAGE_CODES = frozenset({"uk", "be", "kk"})


def bold(text: str) -> str:
    return f"<b>{escape(text, quote=False)}</b>"


def plain(text: str) -> str:
    return escape(text, quote=False)


def link(url: str, text: str) -> str:
    return f'<a href="{escape(url)}">{escape(text, quote=False)}</a>'


def language_of(state: ChatState) -> str:
    return state.language if state.language in LANGUAGES else DEFAULT_LANGUAGE


def language_for_code(language_code: str | None) -> str | None:
    """Telegram's language_code to ours; None where the person should choose."""
    base = (language_code or "").split("-")[0].lower()
    if base in ASK_LANGUAGE_CODES:
        return None
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def other_language(language: str) -> str:
    return next(other for other in LANGUAGES if other != language)


class Kit:
    """Shared by the menu and article screens."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.codec = CallbackCodec(knowledge.version)

    def ui(self, key: str, state: ChatState, **values: object) -> str:
        return self.knowledge.ui(key, language_of(state), **values)

    def button(self, key: str, state: ChatState, action: Action, *args: str | int) -> Button:
        return Button(self.ui(key, state), self.codec.pack(action, *args))

    def view(self, key: str, state: ChatState, screen: Screen) -> Button:
        return self.button(key, state, Action.VIEW, screen.code())

    def entry_button(self, entry: Entry, state: ChatState) -> Button:
        return Button(entry.title.in_(language_of(state)),
                      self.codec.pack(Action.VIEW, f"answer.{entry.id}"))

    def share(self, entry: Entry, state: ChatState) -> Button:
        """Shares the entry's answer (see Button.share)."""
        return Button(self.ui("button_share", state), self.codec.pack(Action.SHARE, entry.id),
                      share=entry.id)

    def menu_row(self, state: ChatState, back_from: Screen | None = None) -> tuple[Button, ...]:
        """Menu, and Back when the screen has somewhere to go back to."""
        menu = self.button("button_menu", state, Action.VIEW, "menu")
        if back_from is None:
            return (menu,)
        return (self.button("button_back", state, Action.BACK, back_from.code()), menu)

    def car_name(self, state: ChatState) -> str:
        if state.car in Generation.__members__:
            return self.ui(f"car_{state.car}", state)
        if state.car == CAR_UNSURE:
            return self.ui("car_unsure", state)
        return self.ui("car_unknown", state)

    def quick_replies(self, state: ChatState) -> tuple[tuple[str, ...], ...]:
        labels = [self.ui(button.label, state) for button in self.knowledge.quick_replies]
        return tuple(tuple(labels[i:i + 2]) for i in range(0, len(labels), 2))

    def picture(self, state: ChatState, entry: Entry, step: Step | None = None
                ) -> tuple[PictureRef | None, str]:
        """The drawing shown with an entry's answer or one of its steps, if it has one, and
        the line its caption gets: every drawing is schematic, and says so."""
        picture = self.knowledge.picture_for(entry, step)
        if picture is None:
            return None, ""
        return (PictureRef(picture.name, language_of(state)),
                escape(self.ui("picture_schematic", state), quote=False))

    def title(self, entry: Entry, state: ChatState) -> str:
        return entry.title.in_(language_of(state))
