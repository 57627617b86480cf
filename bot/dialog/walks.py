"""Walking a way step by step, and the "it won't open" run through the ways.

A run goes through knowledge/guided.yaml's order, most likely first, for a car park:
- ways the person says they tried, and ways this car cannot have, are left out;
- a way only some cars have (knowledge: ask_first) is asked about first, so the car
  itself is never asked for;
- steps that need jump leads or a booster (needs_tools) wait for an explicit "yes, I have
  them"; "no" skips them;
- an instruction several ways give (a step's `once`: "press UNLOCK twice") is given once, by
  the first way that gives it;
- each way comes once, so the release from inside (last in the order) is offered once, and
  the run ends honestly rather than starting again.
"Way k of n" counts the ways planned when the run started: n stays fixed, and a way left out
on the way (not on this car, "tried that already") is passed over, not recounted.
"""

from __future__ import annotations

from bot.dialog.effects import RunEnded, WayStarted
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Reply
from bot.dialog.screens import Articles
from bot.dialog.state import ChatState
from bot.knowledge import Entry, Knowledge, Step

Result = tuple[ChatState, list[Reply]]


class Walks:
    def __init__(self, knowledge: Knowledge, articles: Articles) -> None:
        self.knowledge = knowledge
        self.articles = articles

    # -- one way -------------------------------------------------------------------------------

    def step(self, state: ChatState, entry: Entry, index: int, *, edit: bool,
             lead: str = "") -> Result:
        """Step `index` of a way, or the tools question before it, or, when the steps this
        walk can show are over, on to the next way."""
        steps = entry.steps_for(state.generation)
        shown = self.visible(state, entry)
        index = next((i for i in shown if i >= index), len(steps))
        if index >= len(steps):
            return self.next_way(state, entry.id, edit=edit, lead=lead)
        guided = state.guided and entry.id in state.shown
        started = state.way != entry.id
        state = state.with_(way=entry.id, step=index, guided=guided)
        if steps[index].needs_tools and state.tools is None:
            reply = self.articles.tools_question(state, entry, index, edit=edit, lead=lead)
        else:
            once = steps[index].once
            if guided and once is not None and f"{entry.id}:{once}" not in state.said:
                state = state.with_(said=(*state.said, f"{entry.id}:{once}"))
            reply = self.articles.step(state, entry, index, shown, edit=edit, lead=lead,
                                       position=self.position(state))
        if started:
            reply = reply.doing(WayStarted(entry.id))
        return state.showing(reply.screen), [reply]

    def visible(self, state: ChatState, entry: Entry) -> tuple[int, ...]:
        """The steps of this way this walk shows: not those needing tools the person has
        not got, nor, in a run, an instruction another way of the run already gave."""
        said_elsewhere = {item.partition(":")[2] for item in state.said
                          if not item.startswith(f"{entry.id}:")} if state.guided else set()
        return tuple(i for i, s in enumerate(entry.steps_for(state.generation))
                     if not (state.tools is False and s.needs_tools)
                     and not _said(s, said_elsewhere))

    def answer_tools(self, state: ChatState, entry: Entry, index: int, has_tools: bool, *,
                     edit: bool) -> Result:
        return self.step(state.with_(tools=has_tools), entry, index,
                         edit=edit)

    # -- the run -------------------------------------------------------------------------------

    def start(self, state: ChatState, *, tried: tuple[str, ...] = (), edit: bool,
              lead: str = "", tools: bool | None = None, at: str | None = None) -> Result:
        """A new run; `tools` is False when the person said they have none; `at`, the way
        to begin with when what they saw points there."""
        state = state.end_walk().with_(guided=True, tried=tried, tools=tools)
        state = state.with_(plan=tuple(self.remaining(state)))
        if at is not None:
            return self.go_to(state, at, edit=edit, lead=lead)
        return self._advance(state, edit=edit, lead=lead)

    def next_way(self, state: ChatState, failed_id: str, *, edit: bool, lead: str = "") -> Result:
        """After a way did not work: the next in the run. A way picked from the list that
        fails starts a run from there, so the most likely untried way comes next. An answer
        walked without the tools its last steps need goes on to the ways, and is no way
        tried itself."""
        failed_is_way = self.knowledge.entry(failed_id).is_way
        tried = (state.tried if failed_id in state.tried or not failed_is_way
                 else (*state.tried, failed_id))
        if not state.guided:  # a way picked from the list: a run from here on
            state = state.with_(shown=(), said=(), plan=())
        state = state.with_(guided=True, tried=tried, way=None, step=0)
        if not state.plan:
            state = state.with_(plan=(*state.shown, *tried, *self.remaining(state)))
        lead = lead or self.articles.kit.ui("guided_next", state)
        return self._advance(state, edit=edit, lead=lead)

    def leave_out(self, state: ChatState, ways: tuple[str, ...]) -> ChatState:
        """Ways the person says they tried or cannot use: the run passes them over."""
        return state.with_(tried=(*state.tried, *(w for w in ways if w not in state.tried)))

    def go_to(self, state: ChatState, way: str, *, edit: bool, lead: str = "") -> Result:
        """Straight to a way of the run (what the person saw points there): the ways before
        it are passed over, the count stays."""
        remaining = self.remaining(state)
        if way in remaining:
            state = self.leave_out(state, tuple(remaining[:remaining.index(way)]))
        return self._advance(state, edit=edit, lead=lead)

    def answer_gate(self, state: ChatState, entry: Entry, has_it: bool, *, edit: bool) -> Result:
        if not has_it:
            return self._advance(state.with_(tried=(*state.tried, entry.id)), edit=edit)
        return self._show_way(state, entry, edit=edit, lead="")

    def remaining(self, state: ChatState) -> list[str]:
        """The run's ways still to come, in order."""
        return [m for m in self.knowledge.guided_order
                if m not in state.tried and m not in state.shown
                and self.knowledge.entry(m).applies_to(state.generation)]

    def position(self, state: ChatState) -> tuple[int, int] | None:
        """(k, n) for the way on screen in a run, else None."""
        if not state.guided or state.way not in state.shown:
            return None
        return self._place(state, state.way)

    def _place(self, state: ChatState, way: str) -> tuple[int, int]:
        plan = state.plan if way in state.plan else (*state.plan, way)
        return plan.index(way) + 1, len(plan)

    def _advance(self, state: ChatState, *, edit: bool, lead: str = "") -> Result:
        remaining = self.remaining(state)
        if not remaining:
            reply = self.articles.nothing_worked(state.end_walk(), edit=edit)
            if state.guided:
                reply = reply.doing(RunEnded())
            return state.end_walk().showing(reply.screen), [reply]
        entry = self.knowledge.entry(remaining[0])
        if entry.ask_first is not None:
            return self.gate(state.with_(way=None, step=0), entry, edit=edit, lead=lead)
        return self._show_way(state, entry, edit=edit, lead=lead)

    def gate(self, state: ChatState, entry: Entry, *, edit: bool, lead: str = "") -> Result:
        """"Does your car have it?" before a way only some cars have, as way k of n."""
        position = (self._place(state, entry.id)
               if state.guided and entry.id in self.remaining(state) else None)
        reply = self.articles.gate_question(state, entry, edit=edit, lead=lead,
                                            position=position)
        return state.showing(reply.screen), [reply]

    def _show_way(self, state: ChatState, entry: Entry, *, edit: bool, lead: str) -> Result:
        state = state.with_(shown=(*state.shown, entry.id), guided=True)
        if not self.visible(state, entry):  # every step already said by an earlier way
            return self.next_way(state, entry.id, edit=edit, lead=lead)
        return self.step(state, entry, 0, edit=edit, lead=lead)

    def screen_of(self, state: ChatState) -> Screen | None:
        screen = state.screen
        return screen if screen is not None and screen.kind in WALK_SCREENS else None


def _said(step: Step, said: set[str]) -> bool:
    return step.once is not None and step.once in said


WALK_SCREENS = frozenset({Kind.STEP, Kind.TOOLS, Kind.GATE})
