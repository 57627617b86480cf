"""What the people who run the bot learn from each turn: the real conversation, each real
store in turn (SQLite, PostgreSQL), a stepped clock. (What the chat shows is
tests/unit/conversation/test_feedback.py.)
"""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from bot.dialog import ChatState, Command, Conversation, Event, Reply, Tap, TextMessage
from bot.dialog.callback_data import Action
from bot.dialog.effects import Question
from bot.records.recorder import DAY, UNANSWERED_PER_CHAT_PER_DAY, Recorder, Tally
from bot.storage import Storage
from tests.storage_backends import Backend
from tests.unit.clocks import Clock

CHAT = 7001


class RecordedChat:
    """One chat through the real conversation, each turn recorded as the shell records it."""

    def __init__(self, conversation: Conversation, recorder: Recorder, chat_id: int = CHAT,
                 language: str = "en") -> None:
        self.conversation = conversation
        self.recorder = recorder
        self.chat_id = chat_id
        self.state = ChatState(language=language)
        self.replies: list[Reply] = []
        self.seen: list[Reply] = []  # every reply so far: old messages' buttons still work

    async def send(self, text: str) -> list[Reply]:
        return await self.do(Command.parse(text) if text.startswith("/") else TextMessage(text))

    async def press(self, action: Action, *args: str) -> list[Reply]:
        """The newest button doing `action` (with these first arguments) on any message."""
        codec = self.conversation.kit.codec
        for reply in reversed(self.seen):
            for row in reply.buttons:
                for button in row:
                    data = codec.unpack(button.data)
                    if data and data.action is action and data.args[:len(args)] == args:
                        return await self.do(Tap(button.data))
        raise AssertionError(f"no {action.name} button")

    async def do(self, event: Event) -> list[Reply]:
        self.state, self.replies, effects = self.conversation.handle(self.state, event)
        self.seen += self.replies
        await self.recorder.record(self.chat_id, event, effects, self.state.language or "")
        return self.replies


@pytest.fixture
def recorder(storage: Storage, conversation: Conversation, clock: Clock) -> Recorder:
    return Recorder(storage, conversation.matcher, retention_days=90, clock=clock)


@pytest.fixture
def chat(conversation: Conversation, recorder: Recorder) -> RecordedChat:
    return RecordedChat(conversation, recorder)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def tallies(storage: Storage) -> dict[tuple[str, str], int]:
    return await storage.tallies.totals()


async def test_an_answered_question_counts_as_answered_and_its_answer_as_shown(
        chat: RecordedChat, storage: Storage) -> None:
    before = metric("trunk_bot_questions_total", outcome="answered")
    await chat.send("which battery does the key fob take")
    assert await tallies(storage) == {(Tally.question(Question.ANSWERED), ""): 1,
                                      (Tally.ANSWER_SHOWN, "faq-fob-battery"): 1}
    assert metric("trunk_bot_questions_total", outcome="answered") == before + 1
    assert await storage.unanswered.since() == []


async def test_it_wont_open_is_answered_with_the_run_and_starts_its_first_way(
        chat: RecordedChat, storage: Storage) -> None:
    await chat.send("boot wont open, its pouring")
    first = chat.state.way
    assert first is not None
    assert await tallies(storage) == {(Tally.question(Question.ANSWERED), ""): 1,
                                      (Tally.WAY_STARTED, first): 1}


async def test_replies_to_a_walk_small_talk_and_keyboard_buttons_are_no_questions(
        chat: RecordedChat, storage: Storage) -> None:
    await chat.send("🆘 It won't open")  # the keyboard under the input field
    await chat.send("next")
    await chat.send("didnt work")
    await chat.send("thanks")
    totals = await tallies(storage)
    assert not [name for name, _ in totals if name.startswith("question_")], totals
    assert sum(n for (name, _), n in totals.items() if name == Tally.WAY_STARTED) == 2


async def test_a_did_you_mean_is_kept_with_its_candidates_and_scores_but_not_who_asked(
        chat: RecordedChat, storage: Storage, backend: Backend, clock: Clock) -> None:
    await chat.send("boot   problem")
    (kept,) = await storage.unanswered.since()
    assert (kept.text, kept.language, kept.outcome, kept.asked_at) == (
        "boot problem", "en", "did_you_mean", clock.now)
    assert len(kept.candidates) == 3
    # the score moves whenever knowledge/ gains an entry (token weights are per entry)
    assert kept.candidates[0].entry_id == "overview"
    assert 0.5 < kept.candidates[0].score < 0.8
    assert [c.score for c in kept.candidates] == sorted((c.score for c in kept.candidates),
                                                        reverse=True)
    columns = backend.columns("unanswered_question")
    assert columns and not [c for c in columns if "chat" in c or "user" in c]
    cells = backend.cells("unanswered_question")
    assert cells and not [cell for row in cells for cell in row if str(CHAT) in str(cell)]


async def test_a_declined_question_is_kept_in_its_own_language(
        chat: RecordedChat, storage: Storage) -> None:
    await chat.send("как поменять масло")
    (kept,) = await storage.unanswered.since()
    assert (kept.text, kept.language, kept.outcome) == ("как поменять масло", "ru", "declined")
    assert await tallies(storage) == {(Tally.question(Question.DECLINED), ""): 1}


async def test_one_chat_fills_the_unanswered_questions_only_a_persons_worth_a_day(
        chat: RecordedChat, storage: Storage, conversation: Conversation, recorder: Recorder,
        clock: Clock) -> None:
    for n in range(3 * UNANSWERED_PER_CHAT_PER_DAY):  # junk, every half second
        await chat.send(f"qwerty uiop {n}")
        clock.advance(0.5)
    await chat.send("qwerty uiop 0")  # asked again: over the cap too
    assert len(await storage.unanswered.since()) == UNANSWERED_PER_CHAT_PER_DAY
    assert (await tallies(storage))[(Tally.question(Question.DECLINED), "")] == (
        3 * UNANSWERED_PER_CHAT_PER_DAY + 1), "the day's counts still count them all"
    other = RecordedChat(conversation, recorder, chat_id=CHAT + 1)
    await other.send("qwerty uiop 0")
    assert [q.times for q in await storage.unanswered.since()][-1] == 2, "counted once more"
    clock.advance(DAY)
    await chat.send("qwerty uiop next day")
    assert len(await storage.unanswered.since()) == UNANSWERED_PER_CHAT_PER_DAY + 1


async def test_ratings_and_a_comment_are_kept_per_screen(
        chat: RecordedChat, storage: Storage) -> None:
    down = metric("trunk_bot_feedback_total", what="down")
    comments = metric("trunk_bot_feedback_total", what="comment")
    await chat.send("which battery does the key fob take")
    await chat.press(Action.RATE, "up")
    await chat.press(Action.RATE, "down")  # changed their mind on an older message
    await chat.send("the  fob is a flip key\nwith no cover")
    assert await storage.feedback.ratings() == {("answer.faq-fob-battery", "down"): 1}
    (comment,) = await storage.feedback.comments()
    assert (comment.subject, comment.text, comment.language) == (
        "answer.faq-fob-battery", "the fob is a flip key with no cover", "en")
    assert (await tallies(storage))[(Tally.COMMENT, "answer.faq-fob-battery")] == 1
    assert metric("trunk_bot_feedback_total", what="down") == down + 1
    assert metric("trunk_bot_feedback_total", what="comment") == comments + 1


async def test_it_opened_counts_once_for_its_way_not_again_when_shown_again(
        chat: RecordedChat, storage: Storage) -> None:
    await chat.send("boot wont open")
    way = chat.state.way
    await chat.press(Action.WORKED)
    await chat.press(Action.RATE, "up")
    await chat.send("/language ru")  # the "it opened" screen again, in Russian
    assert chat.replies[-1].kind.value == "worked"
    totals = await tallies(storage)
    assert totals[(Tally.WAY_OPENED, way or "")] == 1
    assert await storage.feedback.ratings() == {(f"worked.{way}", "up"): 1}


async def test_a_run_that_ends_with_nothing_working_is_counted(
        chat: RecordedChat, storage: Storage) -> None:
    await chat.send("boot wont open")
    for _ in range(40):
        if any(r.kind.value == "nothing_worked" for r in chat.replies):
            break
        kinds = {r.kind.value for r in chat.replies}
        if "gate_question" in kinds:
            await chat.press(Action.GATE, "no")
        elif "tools_question" in kinds:
            await chat.press(Action.TOOLS, "no")
        else:
            try:
                await chat.press(Action.SKIP)
            except AssertionError:
                await chat.press(Action.FAILED)
    await chat.send("what now")  # the same end again: not a second run
    assert (await tallies(storage))[(Tally.NOTHING_WORKED, "")] == 1


async def test_a_forgotten_chat_is_not_seen_by_its_forget_turn_but_is_by_the_next(
        chat: RecordedChat, storage: Storage) -> None:
    """The turn deletes the chat (tests/unit/test_chat_turn.py); recording it must not tie
    the chat to a row again, while its next message is a new chat's first."""
    await chat.send("hi")
    await storage.forget_chat(CHAT)  # as the turn does, before recording it
    await chat.send("/forget")
    assert await storage.activity.count_since(0) == 0
    await chat.send("hi")
    assert await storage.activity.count_since(0) == 1


async def test_what_people_wrote_goes_after_the_retention_period(
        chat: RecordedChat, storage: Storage, clock: Clock, recorder: Recorder) -> None:
    """(When: tests/unit/test_housekeeping.py.)"""
    await chat.send("boot problem")
    await chat.send("which battery does the key fob take")
    await chat.press(Action.RATE, "down")
    await chat.send("no cover on mine")
    clock.advance(89 * DAY)
    await chat.send("how do I change the oil")
    await recorder.expire()
    assert len(await storage.unanswered.since()) == 2
    clock.advance(2 * DAY)  # the first ones are now 91 days old
    await recorder.expire()
    assert [q.text for q in await storage.unanswered.since()] == ["how do I change the oil"]
    assert await storage.feedback.comments() == []
    assert await storage.feedback.ratings() == {("answer.faq-fob-battery", "down"): 1}


async def test_with_zero_retention_nothing_anyone_wrote_is_kept(
        storage: Storage, conversation: Conversation, clock: Clock) -> None:
    recorder = Recorder(storage, conversation.matcher, retention_days=0, clock=clock)
    chat = RecordedChat(conversation, recorder)
    await chat.send("boot problem")
    await chat.send("which battery does the key fob take")
    await chat.press(Action.RATE, "down")
    await chat.send("no cover on mine")
    assert await storage.unanswered.since() == []
    assert await storage.feedback.comments() == []
    assert await storage.feedback.ratings() == {("answer.faq-fob-battery", "down"): 1}
    assert (await tallies(storage))[(Tally.question(Question.DID_YOU_MEAN), "")] == 1


async def test_chats_seen_today_this_week_and_ever(
        storage: Storage, conversation: Conversation, recorder: Recorder,
        clock: Clock) -> None:
    for chat_id in (1, 2, 3):
        await RecordedChat(conversation, recorder, chat_id=chat_id).send("hi")
    clock.advance(3 * DAY)
    await RecordedChat(conversation, recorder, chat_id=1).send("hi again")
    await RecordedChat(conversation, recorder, chat_id=1).send("and again")
    assert await storage.activity.count_since(clock.now - DAY) == 1
    assert await storage.activity.count_since(clock.now - 7 * DAY) == 3


async def test_a_failing_store_never_costs_the_owner_the_reply(
        backend: Backend, conversation: Conversation, caplog: pytest.LogCaptureFixture
) -> None:
    broken = await backend.open()
    await broken.close()  # every write now fails
    chat = RecordedChat(conversation, Recorder(broken, conversation.matcher, retention_days=90))
    replies = await chat.send("which battery does the key fob take")
    assert replies and "could not record" in caplog.text
