"""Screens made of knowledge: an entry's short answer, its "More", where it comes from, one
step of a way, the questions asked on the way, and how a walk ends.

Phone-sized on purpose: an answer is the one thing to try now; steps come one per screen;
tips, tables and notes wait behind "More". A warning that protects people or the car stays
on the step it belongs to.
"""

from __future__ import annotations

from dataclasses import replace

from bot.dialog.callback_data import Action
from bot.dialog.effects import AnswerShown
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Button, Reply, ReplyKind
from bot.dialog.screens.kit import Kit, Rows, bold, language_of, link, plain
from bot.dialog.state import ChatState
from bot.knowledge import Entry

MAX_RELATED_BUTTONS = 2  # more would push the answer off a phone's screen


class Articles:
    def __init__(self, kit: Kit) -> None:
        self.kit = kit

    # -- an entry ------------------------------------------------------------------------------

    def answer(self, state: ChatState, entry: Entry, *, edit: bool = False, lead: str = "",
               kind: ReplyKind = ReplyKind.ANSWER, extra_rows: Rows = ()) -> Reply:
        kit, language = self.kit, language_of(state)
        screen = Screen(Kind.ANSWER, entry.id)
        parts = [plain(lead)] if lead else []
        if kind is ReplyKind.EMERGENCY:  # the first line says what to do: call for help
            parts.append(bold(entry.answer.in_(language)))
        else:
            parts.append(bold(entry.title.in_(language)))
        if not entry.applies_to(state.generation):
            parts.append("ℹ️ " + plain(kit.ui("car_not_applicable", state,
                                               car=kit.car_name(state))))
        if kind is not ReplyKind.EMERGENCY:
            parts.append(plain(entry.answer.in_(language)))
        picture, note = kit.picture(state, entry) if kind is not ReplyKind.EMERGENCY else (
            None, "")
        if note:
            parts.append(note)
        rows: list[tuple[Button, ...]] = []
        if entry.is_way:
            rows.append((kit.button("button_walk", state, Action.WALK, entry.id, 0),))
        elif entry.steps:
            rows.append((kit.button("button_steps", state, Action.VIEW,
                                    Screen(Kind.STEP, entry.id, 0).code()),))
        if entry.id in kit.knowledge.guided_offered_by:
            rows.append((kit.button("button_guided", state, Action.GUIDED),))
        if entry.has_more:
            rows.append((kit.view("button_more", state, Screen(Kind.MORE, entry.id)),))
        rows.extend((kit.entry_button(kit.knowledge.entry(r), state),)
                    for r in entry.related[:MAX_RELATED_BUTTONS])
        rows.extend(extra_rows)
        menu_row = kit.menu_row(state, screen)
        if kind is not ReplyKind.EMERGENCY:  # someone shut in: nothing to distract
            menu_row = (*menu_row, kit.share(entry, state))
        rows.append(menu_row)
        return Reply("\n\n".join(parts), tuple(rows), edit=edit, kind=kind, screen=screen,
                     picture=picture, effects=(AnswerShown(entry.id),))

    def more(self, state: ChatState, entry: Entry, *, edit: bool) -> Reply:
        """Tips, warnings, the failure table and the note for this car, behind one tap."""
        kit, language = self.kit, language_of(state)
        screen = Screen(Kind.MORE, entry.id)
        parts = [bold(entry.title.in_(language))]
        lines = [f"⚠️ {plain(w.in_(language))}" for w in entry.warnings]
        lines += [f"💡 {plain(t.in_(language))}" for t in entry.tips]
        if entry.prevention is not None:
            lines.append(f"🛡️ {plain(entry.prevention.in_(language))}")
        if lines:
            parts.append("\n".join(lines))
        if entry.table:
            table = [f"• {plain(kit.ui('table_row', state, part=r.part.in_(language), cause=r.cause.in_(language), remedy=r.remedy.in_(language)))}"  # noqa: E501
                     for r in entry.table]
            parts.append("\n".join([bold(kit.ui("section_table", state)), *table]))
        notes = {g: t for g, t in entry.generation_notes.items()
                 if state.generation is None or g is state.generation}
        if notes:
            parts.append("\n".join(f"📅 {bold(g.value)}: {plain(t.in_(language))}"
                                   for g, t in sorted(notes.items())))
        picture, note = kit.picture(state, entry)
        if note:
            parts.append(note)
        rows: list[tuple[Button, ...]] = [
            (kit.view("button_sources", state, Screen(Kind.SOURCES, entry.id)),),
            kit.menu_row(state, screen)]
        if entry.is_way:
            rows.insert(0, (kit.button("button_walk", state, Action.WALK, entry.id, 0),))
        return Reply("\n\n".join(parts), tuple(rows), edit=edit, kind=ReplyKind.MORE,
                     screen=screen, picture=picture)

    def sources(self, state: ChatState, entry: Entry, *, edit: bool) -> Reply:
        """Where the entry's claims come from: one line per source, its title a link, so a
        long address does not fill a phone's screen."""
        kit = self.kit
        screen = Screen(Kind.SOURCES, entry.id)
        lines = [bold(kit.ui("sources_title", state, title=kit.title(entry, state)))]
        for source_id in entry.sources:
            source = kit.knowledge.sources[source_id]
            lines.append("• " + (link(source.url, source.title) if source.url
                                 else plain(source.title)))
        picture, note = kit.picture(state, entry)
        if note:
            lines.append("\n" + note)
        return Reply("\n".join(lines), (kit.menu_row(state, screen),), edit=edit,
                     kind=ReplyKind.SOURCES, screen=screen, picture=picture)

    # -- a walk --------------------------------------------------------------------------------

    def step(self, state: ChatState, way: Entry, index: int, shown: tuple[int, ...], *,
             edit: bool, lead: str = "", position: tuple[int, int] | None = None,
             kind: ReplyKind = ReplyKind.WALK) -> Reply:
        """One of the steps this walk shows (`shown`, indices into the car's steps);
        `position` is (k, n) when this is way k of n of an "it won't open" run."""
        kit, language = self.kit, language_of(state)
        steps = way.steps_for(state.generation)
        step = steps[index]
        screen = Screen(Kind.STEP, way.id, index)
        at = shown.index(index) if index in shown else 0  # this step's place among those shown
        steps_shown = len(shown)
        header = kit.ui("step_header", state, title=way.title.in_(language),
                        number=at + 1, total=steps_shown)
        parts = [plain(lead)] if lead else []
        if position is not None:
            parts.append(plain(kit.ui("way_position", state, number=position[0],
                                      total=position[1])))
        parts.append(bold(header))
        if index == 0 and not way.applies_to(state.generation):
            parts.append("ℹ️ " + plain(kit.ui("car_not_applicable", state,
                                               car=kit.car_name(state))))
        parts.append(plain(step.do.in_(language)))
        if step.warning:
            parts.append(f"⚠️ {plain(step.warning.in_(language))}")
        if step.tip:
            parts.append(f"💡 {plain(step.tip.in_(language))}")
        picture, note = kit.picture(state, way, step)
        if note:
            parts.append(note)
        last = at + 1 >= steps_shown
        if last and way.is_way:
            parts.append(bold(kit.ui("step_question", state)))
        back = kit.button("button_back", state, Action.BACK, screen.code())
        navigation = (back,) if last else (
            back, kit.button("button_next", state, Action.WALK, way.id, index + 1))
        menu: tuple[Button, ...] = (kit.button("button_menu", state, Action.VIEW, "menu"),)
        if way.has_more:  # the way's tips and warnings, one tap away at any step
            menu = (*menu, kit.view("button_more", state, Screen(Kind.MORE, way.id)))
        if not way.is_way:  # the steps of an answer: nothing to open or fail
            rows: tuple[tuple[Button, ...], ...] = (navigation, menu)
        else:
            # "It opened" on every step: the boot may pop at step two of five.
            outcome = (kit.button("button_worked", state, Action.WORKED, way.id),
                       kit.button("button_failed", state, Action.FAILED, way.id) if last
                       else kit.button("button_skip_way", state, Action.SKIP, way.id))
            rows = (outcome, navigation, menu) if last else (navigation, outcome, menu)
        return Reply("\n\n".join(parts), rows, edit=edit, kind=kind,
                     screen=screen, picture=picture)

    def step_help(self, state: ChatState, way: Entry, index: int, shown: tuple[int, ...],
                  lines: list[str], *, position: tuple[int, int] | None) -> Reply:
        """A question about the step on screen answered from its tips: the answer on top,
        the same step and buttons below, so the walk goes on from where it was."""
        return self.step(state, way, index, shown, edit=False, lead=self._help(state, lines),
                         position=position, kind=ReplyKind.STEP_HELP)

    def helped(self, reply: Reply, state: ChatState, lines: list[str], *,
               kind: ReplyKind = ReplyKind.STEP_HELP) -> Reply:
        """A question about the screen on show (does my car have it? can I use hot water?),
        answered above it."""
        if kind is ReplyKind.STEP_HELP:  # on a question asked: the answer to it, then it
            return replace(reply, text=f"{plain(self._help(state, lines))}\n\n{reply.text}",
                           kind=kind)
        # an answer or the call for help keeps its first line; what was asked follows it
        first, _, rest = reply.text.partition("\n\n")
        tips = "\n".join(f"💡 {plain(t)}" for t in lines)
        return replace(reply, text="\n\n".join(p for p in (first, tips, rest) if p), kind=kind)

    def _help(self, state: ChatState, lines: list[str]) -> str:
        return "\n".join([self.kit.ui("step_help_title", state), *(f"💡 {t}" for t in lines)])

    # -- someone shut in -------------------------------------------------------------------------

    def emergency(self, state: ChatState, entry: Entry, index: int) -> Reply:
        """The call for help first (index 0: the answer, which says the first step too), then
        one step per message as the person replies, then the call again: someone in a car park
        with a child shut in reads one thing at a time."""
        kit, language = self.kit, language_of(state)
        screen = Screen(Kind.EMERGENCY, entry.id, index)
        if index == 0:
            parts = [bold(entry.answer.in_(language))]
            first = entry.steps[0] if entry.steps else None
            if first is not None and first.tip is not None:
                parts.append(f"💡 {plain(first.tip.in_(language))}")
        elif index < len(entry.steps):
            step = entry.steps[index]
            parts = [plain(kit.ui("emergency_step", state)), bold(step.do.in_(language))]
            if step.warning is not None:
                parts.append(f"⚠️ {plain(step.warning.in_(language))}")
            if step.tip is not None:
                parts.append(f"💡 {plain(step.tip.in_(language))}")
        else:
            parts = [bold(kit.ui("emergency_again", state))]
        rows = ((kit.view("button_worked", state, Screen(Kind.WORKED, entry.id)),
                 kit.view("button_next", state,
                          Screen(Kind.EMERGENCY, entry.id, min(index + 1, len(entry.steps))))),
                (kit.button("button_menu", state, Action.VIEW, "menu"),))
        shown = (AnswerShown(entry.id),) if index == 0 else ()
        return Reply("\n\n".join(parts), rows, kind=ReplyKind.EMERGENCY, screen=screen,
                     effects=shown)

    def tools_question(self, state: ChatState, way: Entry, index: int, *, edit: bool,
                       lead: str = "") -> Reply:
        """Before the first step that needs jump leads or a booster: an explicit branch."""
        kit = self.kit
        screen = Screen(Kind.TOOLS, way.id, index)
        parts = [plain(lead)] if lead else []
        parts += [bold(kit.title(way, state)), plain(kit.ui("tools_question", state))]
        picture, note = kit.picture(state, way, way.steps_for(state.generation)[index])
        if note:
            parts.append(note)
        rows = ((kit.button("button_tools_yes", state, Action.TOOLS, "yes", way.id, index),
                 kit.button("button_tools_no", state, Action.TOOLS, "no", way.id, index)),
                kit.menu_row(state, screen))
        return Reply("\n\n".join(parts), rows, edit=edit, kind=ReplyKind.TOOLS_QUESTION,
                     screen=screen, picture=picture)

    def gate_question(self, state: ChatState, way: Entry, *, edit: bool, lead: str = "",
                      position: tuple[int, int] | None = None) -> Reply:
        """Before a way only some cars have: ask about the feature rather than the car."""
        kit = self.kit
        assert way.ask_first is not None
        screen = Screen(Kind.GATE, way.id)
        parts = [plain(lead)] if lead else []
        if position is not None:
            parts.append(plain(kit.ui("way_position", state, number=position[0],
                                      total=position[1])))
        parts += [bold(kit.title(way, state)),
                  plain(way.ask_first.in_(language_of(state)))]
        rows = ((kit.button("button_gate_yes", state, Action.GATE, "yes", way.id),
                 kit.button("button_gate_no", state, Action.GATE, "no", way.id)),
                kit.menu_row(state, screen))
        return Reply("\n\n".join(parts), rows, edit=edit, kind=ReplyKind.GATE_QUESTION,
                     screen=screen)

    def worked(self, state: ChatState, way: Entry, *, edit: bool) -> Reply:
        if not way.is_way:  # someone shut in, and now out
            return Reply(bold(self.kit.ui("emergency_worked", state)),
                         (self.kit.menu_row(state),), edit=edit, kind=ReplyKind.WORKED,
                         screen=Screen(Kind.WORKED, way.id))
        text = bold(self.kit.ui("worked", state))
        if way.prevention is not None:
            tip = way.prevention.in_(language_of(state))
            text += "\n\n" + plain(self.kit.ui("worked_prevention", state, tip=tip))
        return Reply(text, (self.kit.menu_row(state),), edit=edit, kind=ReplyKind.WORKED,
                     screen=Screen(Kind.WORKED, way.id))

    def nothing_worked(self, state: ChatState, *, edit: bool) -> Reply:
        """The honest end of a run: what is most likely broken and who can help, without
        offering again what failed."""
        kit = self.kit
        offered = tuple((kit.entry_button(kit.knowledge.entry(e), state),)
                        for e in kit.knowledge.guided_end)
        rows = (*offered, (kit.view("button_ways", state, Screen(Kind.WAYS)),),
                kit.menu_row(state))
        return Reply(plain(kit.ui("guided_exhausted", state)), rows, edit=edit,
                     kind=ReplyKind.NOTHING_WORKED,
                     screen=Screen(Kind.NOTHING_WORKED))
