"""Screens that are not knowledge: greeting, menus, the car and language questions, and the
short replies to small talk, other makes and what the bot cannot help with."""

from __future__ import annotations

from collections.abc import Iterable

from bot.dialog.callback_data import Action
from bot.dialog.navigation import FAQ, MENU, WAYS, Kind, Screen
from bot.dialog.reply import Button, Reply, ReplyKind
from bot.dialog.screens.kit import Kit, bold, language_of, other_language, plain
from bot.dialog.state import CAR_UNSURE, ChatState
from bot.knowledge import LANGUAGES, Entry, EntryKind, Generation

COMMAND_KEYS = {"start": "command_start", "menu": "command_menu", "help": "command_help",
                "car": "command_car", "language": "command_language", "reset": "command_reset",
                "forget": "command_forget"}
THEN_GUIDED = "h"  # rides on a car button: start "it won't open" once the car is known


class Menus:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    def main_menu_buttons(self, state: ChatState) -> tuple[tuple[Button, ...], ...]:
        kit = self.kit
        return (
            (kit.button("button_guided", state, Action.GUIDED),),
            (kit.view("button_ways", state, WAYS),),
            (kit.view("button_faq", state, FAQ), kit.view("button_car", state, Screen(Kind.CAR))),
            (kit.button("button_language", state, Action.LANGUAGE,
                        other_language(language_of(state))),),
        )

    def main_menu(self, state: ChatState, *, edit: bool = False, lead: str = "",
                  kind: ReplyKind = ReplyKind.MENU) -> Reply:
        kit = self.kit
        text = "\n\n".join(part for part in (
            plain(lead), bold(kit.ui("main_menu", state)),
            plain(kit.ui("main_menu_car", state, car=kit.car_name(state))),
        ) if part)
        return Reply(text, (*self.continue_row(state), *self.main_menu_buttons(state)),
                     edit=edit, kind=kind, screen=MENU)

    def continue_row(self, state: ChatState) -> tuple[tuple[Button, ...], ...]:
        """Back to the step the owner left, if a walk is under way (it survives restarts)."""
        way = self.kit.knowledge.entries.get(state.way or "")
        if way is None or not way.is_way:
            return ()
        if state.step >= len(way.steps_for(state.generation)):
            return ()
        label = self.kit.ui("button_continue", state, title=self.kit.title(way, state),
                            number=state.step + 1)
        return ((Button(label, self.kit.codec.pack(Action.WALK, way.id, state.step)),),)

    def greeting(self, state: ChatState, *, lead: str = "") -> Reply:
        text = "\n\n".join(p for p in (plain(lead), plain(self.kit.ui("greeting", state))) if p)
        return Reply(text, quick_replies=self.kit.quick_replies(state), kind=ReplyKind.GREETING)

    def keyboard_notice(self, state: ChatState, key: str, **values: object) -> Reply:
        """A line that also brings the keyboard under the input field in the chat's language."""
        return Reply(plain(self.kit.ui(key, state, **values)),
                     quick_replies=self.kit.quick_replies(state), kind=ReplyKind.NOTICE)

    def help(self, state: ChatState, *, lead: str = "") -> Reply:
        text = "\n\n".join(p for p in (plain(lead), plain(self.kit.ui("help", state))) if p)
        return Reply(text, self.main_menu_buttons(state), kind=ReplyKind.HELP,
                     screen=Screen(Kind.HELP))

    def ways(self, state: ChatState, *, edit: bool) -> Reply:
        kit = self.kit
        ways = [w for w in self._ordered_ways() if w.applies_to(state.generation)]
        rows = tuple((Button(kit.title(w, state), kit.codec.pack(Action.WALK, w.id, 0)),)
                     for w in ways)
        return Reply(bold(kit.ui("ways_title", state)), (*rows, kit.menu_row(state, WAYS)),
                     edit=edit, kind=ReplyKind.WAYS, screen=WAYS)

    def faq(self, state: ChatState, *, edit: bool) -> Reply:
        kit = self.kit
        entries = [e for e in kit.knowledge.entries.values()
                   if e.kind in (EntryKind.FAQ, EntryKind.TOPIC)]
        entries.sort(key=lambda e: (e.kind is not EntryKind.FAQ, e.id))
        rows = tuple((kit.entry_button(e, state),) for e in entries)
        return Reply(bold(kit.ui("faq_title", state)), (*rows, kit.menu_row(state, FAQ)),
                     edit=edit, kind=ReplyKind.FAQ, screen=FAQ)

    def car_question(self, state: ChatState, *, edit: bool, then: str | None = None,
                     lead: str = "") -> Reply:
        """`then` rides on each car button: what to do once the car is known."""
        kit = self.kit
        more = (then,) if then else ()
        gens = [kit.button(f"car_{g.value}", state, Action.SET_CAR, g.value, *more)
                for g in Generation]
        rows = (tuple(gens),
                (kit.button("car_unsure", state, Action.SET_CAR, CAR_UNSURE, *more),),
                kit.menu_row(state, Screen(Kind.CAR)))
        text = "\n\n".join(p for p in (plain(lead), plain(kit.ui("car_question", state))) if p)
        return Reply(text, rows, edit=edit, kind=ReplyKind.CAR_QUESTION,
                     screen=Screen(Kind.CAR))

    def language_choice(self, state: ChatState) -> Reply:
        """Both languages at once: the person has not chosen one yet."""
        kit = self.kit
        text = "\n".join(plain(kit.knowledge.ui("language_question", lang)) for lang in LANGUAGES)
        row = tuple(Button(kit.knowledge.ui("language_name", lang),
                           kit.codec.pack(Action.LANGUAGE, lang)) for lang in LANGUAGES)
        return Reply(text, (row,), kind=ReplyKind.LANGUAGE_CHOICE)

    def did_you_mean(self, state: ChatState, entry_ids: Iterable[str], *,
                     lead: str = "") -> Reply:
        kit = self.kit
        rows = tuple((kit.entry_button(kit.knowledge.entry(i), state),) for i in entry_ids)
        text = "\n\n".join(p for p in (plain(lead), plain(kit.ui("did_you_mean", state))) if p)
        return Reply(text, (*rows, kit.menu_row(state)), kind=ReplyKind.DID_YOU_MEAN)

    def notice(self, key: str, state: ChatState, *, edit: bool = False,
               kind: ReplyKind = ReplyKind.NOTICE, **values: object) -> Reply:
        """A line followed by the main menu (unrelated, unsupported, stale...)."""
        return self.main_menu(state, edit=edit, lead=self.kit.ui(key, state, **values),
                              kind=kind)

    def small_talk(self, state: ChatState, meaning: str) -> Reply:
        """A short human answer, and the ways on from it: back to the walk under way, or
        "it won't open" and the menu."""
        kit = self.kit
        rows = (*self.continue_row(state), (kit.button("button_guided", state, Action.GUIDED),),
                kit.menu_row(state))
        return Reply(plain(kit.ui(f"small_talk_{meaning}", state)), rows,
                     kind=ReplyKind.SMALL_TALK)

    def _ordered_ways(self) -> list[Entry]:
        """The guided order first (most likely first), then any other way."""
        knowledge = self.kit.knowledge
        order = list(knowledge.guided_order)
        rest = [w.id for w in knowledge.ways if w.id not in order]
        return [knowledge.entry(i) for i in [*order, *rest]]
