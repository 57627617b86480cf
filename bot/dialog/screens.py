"""What each screen shows: knowledge and chat state in, an HTML reply with buttons out.

Screens decide text and buttons only; which screen comes next is bot.dialog.conversation's job.
All knowledge and interface text is escaped here, so nothing a YAML author writes can break
Telegram's HTML parser.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.dialog.callback_data import Action, CallbackCodec
from bot.dialog.reply import Button, Reply
from bot.dialog.state import CAR_UNSURE, ChatState
from bot.knowledge import DEFAULT_LANGUAGE, LANGUAGES, Entry, Generation, Kind, Knowledge

COMMAND_KEYS = {"start": "command_start", "menu": "command_menu", "help": "command_help",
                "car": "command_car", "language": "command_language", "reset": "command_reset"}
FAQ_TOPICS = (Kind.FAQ, Kind.TOPIC)


def _b(text: str) -> str:
    return f"<b>{escape(text, quote=False)}</b>"


def _e(text: str) -> str:
    return escape(text, quote=False)


class Screens:
    """Renders every screen in the chat's language."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.codec = CallbackCodec(knowledge.version)

    # -- helpers ----------------------------------------------------------------------------

    def ui(self, key: str, state: ChatState, **values: object) -> str:
        return self.knowledge.ui(key, language_of(state), **values)

    def button(self, key: str, state: ChatState, action: Action, *args: str | int) -> Button:
        return Button(self.ui(key, state), self.codec.pack(action, *args))

    def entry_button(self, entry: Entry, state: ChatState) -> Button:
        return Button(entry.title.in_(language_of(state)), self.codec.pack(Action.ENTRY, entry.id))

    def menu_row(self, state: ChatState) -> tuple[Button, ...]:
        return (self.button("button_menu", state, Action.MENU),)

    def car_name(self, state: ChatState) -> str:
        if state.car in Generation.__members__:
            return self.ui(f"car_{state.car}", state)
        if state.car == CAR_UNSURE:
            return self.ui("car_unsure", state)
        return self.ui("car_unknown", state)

    def quick_replies(self, state: ChatState) -> tuple[tuple[str, ...], ...]:
        labels = [self.ui(button.label, state) for button in self.knowledge.quick_replies]
        return tuple(tuple(labels[i:i + 2]) for i in range(0, len(labels), 2))

    # -- menus -------------------------------------------------------------------------------

    def main_menu_buttons(self, state: ChatState) -> tuple[tuple[Button, ...], ...]:
        other = "ru" if language_of(state) == "en" else "en"
        return (
            (self.button("button_guided", state, Action.GUIDED),),
            (self.button("button_ways", state, Action.WAYS),),
            (self.button("button_faq", state, Action.FAQ),
             self.button("button_car", state, Action.CAR)),
            (self.button("button_language", state, Action.LANGUAGE, other),),
        )

    def main_menu(self, state: ChatState, *, edit: bool = False, lead: str = "") -> Reply:
        text = "\n\n".join(part for part in (
            _e(lead), _b(self.ui("main_menu", state)),
            _e(self.ui("main_menu_car", state, car=self.car_name(state))),
        ) if part)
        return Reply(text, (*self.continue_row(state), *self.main_menu_buttons(state)),
                     edit=edit)

    def continue_row(self, state: ChatState) -> tuple[tuple[Button, ...], ...]:
        """Back to the step the owner left, if a walk is under way (it survives restarts)."""
        method = self.knowledge.entries.get(state.method or "")
        if method is None or not method.is_method:
            return ()
        if state.step >= len(method.steps_for(state.generation)):
            return ()
        label = self.ui("button_continue", state, title=method.title.in_(language_of(state)),
                        number=state.step + 1)
        return ((Button(label, self.codec.pack(Action.STEP, method.id, state.step)),),)

    def greeting(self, state: ChatState, *, lead: str = "") -> Reply:
        text = "\n\n".join(p for p in (_e(lead), _e(self.ui("greeting", state))) if p)
        return Reply(text, quick_replies=self.quick_replies(state))

    def help(self, state: ChatState) -> Reply:
        return Reply(_e(self.ui("help", state)), self.main_menu_buttons(state))

    def ways(self, state: ChatState, *, edit: bool) -> Reply:
        methods = [m for m in self._ordered_methods() if m.applies_to(state.generation)]
        language = language_of(state)
        rows = tuple((Button(m.title.in_(language), self.codec.pack(Action.STEP, m.id, 0)),)
                     for m in methods)
        return Reply(_b(self.ui("ways_title", state)), (*rows, self.menu_row(state)), edit=edit)

    def faq(self, state: ChatState, *, edit: bool) -> Reply:
        entries = [e for e in self.knowledge.entries.values() if e.kind in FAQ_TOPICS]
        entries.sort(key=lambda e: (e.kind is not Kind.FAQ, e.id))
        rows = tuple((self.entry_button(e, state),) for e in entries)
        return Reply(_b(self.ui("faq_title", state)), (*rows, self.menu_row(state)), edit=edit)

    def car_question(self, state: ChatState, *, edit: bool, then: str | None = None) -> Reply:
        """`then` rides on each car button: what to do once the car is known."""
        more = (then,) if then else ()
        gens = [self.button(f"car_{g.value}", state, Action.SET_CAR, g.value, *more)
                for g in Generation]
        rows = (tuple(gens),
                (self.button("car_unsure", state, Action.SET_CAR, CAR_UNSURE, *more),),
                self.menu_row(state))
        return Reply(_e(self.ui("car_question", state)), rows, edit=edit)

    def did_you_mean(self, state: ChatState, entry_ids: Iterable[str]) -> Reply:
        rows = tuple((self.entry_button(self.knowledge.entry(i), state),) for i in entry_ids)
        return Reply(_e(self.ui("did_you_mean", state)), (*rows, self.menu_row(state)))

    def notice(self, key: str, state: ChatState, *, edit: bool = False) -> Reply:
        """A one-line message followed by the main menu (unrelated, unsupported, stale...)."""
        return self.main_menu(state, edit=edit, lead=self.ui(key, state))

    # -- knowledge ---------------------------------------------------------------------------

    def entry(self, state: ChatState, entry: Entry, *, edit: bool = False,
              extra_rows: tuple[tuple[Button, ...], ...] = ()) -> Reply:
        rows: list[tuple[Button, ...]] = []
        if entry.is_method:
            rows.append((self.button("button_walk", state, Action.STEP, entry.id, 0),))
        if entry.id in self.knowledge.guided_offered_by:
            rows.append((self.button("button_guided", state, Action.GUIDED),))
        rows.extend((self.entry_button(self.knowledge.entry(r), state),) for r in entry.related)
        rows.extend(extra_rows)
        rows.append(self.menu_row(state))
        return Reply(self.entry_text(state, entry), tuple(rows), edit=edit)

    def entry_text(self, state: ChatState, entry: Entry) -> str:
        language = language_of(state)
        parts = [_b(entry.title.in_(language))]
        if not entry.applies_to(state.generation):
            parts.append("ℹ️ " + _e(self.ui("car_not_applicable", state,
                                             car=self.car_name(state))))
        parts.append(_e(entry.answer.in_(language)))
        steps = entry.steps_for(state.generation)
        if steps:
            lines = [_b(self.ui("section_steps", state))]
            for number, step in enumerate(steps, 1):
                lines.append(f"{number}. {_e(step.do.in_(language))}")
                if step.tip:
                    lines.append(f"    💡 {_e(step.tip.in_(language))}")
                if step.warning:
                    lines.append(f"    ⚠️ {_e(step.warning.in_(language))}")
            parts.append("\n".join(lines))
        tips = [f"💡 {_e(t.in_(language))}" for t in entry.tips]
        if entry.prevention is not None:
            tips.append(f"🛡️ {_e(entry.prevention.in_(language))}")
        if tips:
            parts.append("\n".join([_b(self.ui("section_tips", state)), *tips]))
        if entry.warnings:
            parts.append("\n".join(f"⚠️ {_e(w.in_(language))}" for w in entry.warnings))
        if entry.table:
            rows = [f"• {_e(self.ui('table_row', state, part=r.part.in_(language), cause=r.cause.in_(language), remedy=r.remedy.in_(language)))}"  # noqa: E501
                    for r in entry.table]
            parts.append("\n".join([_b(self.ui("section_table", state)), *rows]))
        if entry.generation_notes:
            notes = [f"📅 {_b(g.value)}: {_e(t.in_(language))}"
                     for g, t in sorted(entry.generation_notes.items())]
            parts.append("\n".join([_b(self.ui("section_generations", state)), *notes]))
        return "\n\n".join(parts)

    def step(self, state: ChatState, method: Entry, index: int, *, edit: bool,
             lead: str = "", way: tuple[int, int] | None = None) -> Reply:
        """One step; `way` is (k, n) when this method is way k of n of the guided run."""
        language = language_of(state)
        steps = method.steps_for(state.generation)
        step = steps[index]
        header = self.ui("step_header", state, title=method.title.in_(language),
                         number=index + 1, total=len(steps))
        parts = [_e(lead)] if lead else []
        if way is not None:
            parts.append(_e(self.ui("way_position", state, number=way[0], total=way[1])))
        parts.append(_b(header))
        if index == 0 and not method.applies_to(state.generation):
            parts.append("ℹ️ " + _e(self.ui("car_not_applicable", state,
                                             car=self.car_name(state))))
        parts.append(_e(step.do.in_(language)))
        if step.tip:
            parts.append(f"💡 {_e(step.tip.in_(language))}")
        if step.warning:
            parts.append(f"⚠️ {_e(step.warning.in_(language))}")
        last = index == len(steps) - 1
        if last:
            parts.append(_b(self.ui("step_question", state)))
        # "It opened" on every step: the trunk may pop at step two of five.
        outcome = (self.button("button_worked", state, Action.WORKED, method.id),
                   self.button("button_failed" if last else "button_another_way", state,
                               Action.FAILED, method.id))
        back = (self.button("button_back", state, Action.STEP, method.id, index - 1)
                if index > 0 else self.button("button_back", state, Action.ENTRY, method.id))
        navigation = (back,) if last else (
            back, self.button("button_next", state, Action.STEP, method.id, index + 1))
        rows = [navigation, outcome, self.menu_row(state)] if not last else [
            outcome, navigation, self.menu_row(state)]
        return Reply("\n\n".join(parts), tuple(rows), edit=edit)

    def worked(self, state: ChatState, method: Entry) -> Reply:
        text = _b(self.ui("worked", state))
        if method.prevention is not None:
            tip = method.prevention.in_(language_of(state))
            text += "\n\n" + _e(self.ui("worked_prevention", state, tip=tip))
        return Reply(text, (self.menu_row(state),), edit=True)

    def guided_exhausted(self, state: ChatState) -> Reply:
        """Nothing worked: the last resort (the guided order's last way) stays one tap away."""
        last_resort = self.knowledge.entry(self.knowledge.guided_order[-1])
        rows = ((self.entry_button(last_resort, state),),
                (self.button("button_guided_restart", state, Action.GUIDED),),
                self.menu_row(state))
        return Reply(_e(self.ui("guided_exhausted", state)), rows, edit=True)

    def _ordered_methods(self) -> list[Entry]:
        """The guided order first (most likely first), then any other method."""
        order = list(self.knowledge.guided_order)
        rest = [m.id for m in self.knowledge.methods if m.id not in order]
        return [self.knowledge.entry(i) for i in [*order, *rest]]


def language_of(state: ChatState) -> str:
    return state.language if state.language in LANGUAGES else DEFAULT_LANGUAGE


def language_for_code(language_code: str | None) -> str:
    """Telegram's language_code to ours: Russian for ru and its neighbours, else English."""
    base = (language_code or "").split("-")[0].lower()
    return "ru" if base in {"ru", "uk", "be", "kk"} else "en"
