"""Each transition of the conversation core, driven the way a user drives it."""

from __future__ import annotations

import re

import pytest

from bot.dialog import ChatState, Command, Conversation, Reply, Tap, TextMessage, Unsupported
from bot.dialog.callback_data import MAX_BYTES
from bot.dialog.self_check import MAX_MESSAGE_CHARS, visible_length
from bot.knowledge import Knowledge


class Chat:
    """A user in one chat: keeps the state between turns and finds buttons by label."""

    def __init__(self, conversation: Conversation, language_code: str = "en") -> None:
        self.conversation = conversation
        self.state = ChatState()
        self.language_code = language_code
        self.replies: list[Reply] = []

    def send(self, text: str) -> list[Reply]:
        if text.startswith("/"):
            name, _, argument = text[1:].partition(" ")
            event = Command(name, argument, self.language_code)
        else:
            event = TextMessage(text, self.language_code)  # type: ignore[assignment]
        return self._do(event)

    def tap(self, label_part: str) -> list[Reply]:
        return self._do(Tap(self.button(label_part), self.language_code))

    def tap_data(self, data: str) -> list[Reply]:
        return self._do(Tap(data, self.language_code))

    def button(self, label_part: str) -> str:
        for reply in reversed(self.replies):
            for row in reply.buttons:
                for button in row:
                    if label_part.lower() in button.label.lower():
                        return button.data
        labels = [b.label for r in self.replies for row in r.buttons for b in row]
        raise AssertionError(f"no button with {label_part!r}; buttons: {labels}")

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    def _do(self, event: object) -> list[Reply]:
        self.state, self.replies = self.conversation.handle(self.state, event)  # type: ignore[arg-type]
        for reply in self.replies:
            assert visible_length(reply.text) <= MAX_MESSAGE_CHARS
            for row in reply.buttons:
                for button in row:
                    assert len(button.data.encode()) <= MAX_BYTES
        return self.replies


@pytest.fixture
def chat(conversation: Conversation) -> Chat:
    return Chat(conversation)


def step_numbers(text: str) -> tuple[int, int]:
    found = re.search(r"step (\d+) of (\d+)", text)
    assert found, text
    return int(found.group(1)), int(found.group(2))


def test_start_greets_with_quick_replies_then_main_menu(chat: Chat) -> None:
    greeting, menu = chat.send("/start")
    assert "Qashqai" in greeting.text
    labels = [label for row in greeting.quick_replies for label in row]
    assert any("Lid button" in label for label in labels)
    assert any("FAQ" in label for label in labels)
    assert any("It won't open" in b.label for row in menu.buttons for b in row)


def test_walking_a_method_step_by_step_to_it_worked(chat: Chat, knowledge: Knowledge) -> None:
    chat.send("/start")
    chat.tap("Ways to open")
    chat.tap(knowledge.entry("lid-button").title.in_("en"))
    number, total = step_numbers(chat.text)
    assert (number, total) == (1, len(knowledge.entry("lid-button").steps))
    while number < total:
        (reply,) = chat.tap("Next")
        assert reply.edit, "a step replaces the message in place"
        number, _ = step_numbers(chat.text)
    assert "Did the trunk open?" in chat.text
    chat.tap("Back")
    assert step_numbers(chat.text) == (total - 1, total)
    chat.tap("Next")
    (reply,) = chat.tap("It opened")
    prevention = knowledge.entry("lid-button").prevention
    assert prevention is not None and prevention.in_("en")[:30] in reply.text.replace("&#x27;", "'")
    assert chat.state.method is None


def test_didnt_work_moves_on_to_the_next_way_in_guided_order(chat: Chat,
                                                            knowledge: Knowledge) -> None:
    chat.send("/start")
    chat.tap("Ways to open")
    chat.tap(knowledge.entry("key-fob").title.in_("en"))
    _, total = step_numbers(chat.text)
    for _ in range(total - 1):
        chat.tap("Next")
    chat.tap("Didn't work")
    following = knowledge.guided_order[knowledge.guided_order.index("key-fob") + 1]
    assert chat.state.method == following
    assert knowledge.entry(following).title.in_("en") in chat.text
    assert step_numbers(chat.text)[0] == 1


def test_guided_run_asks_the_car_once_then_skips_what_it_lacks(chat: Chat) -> None:
    chat.send("/start")
    chat.tap("It won't open")
    assert "Which Qashqai" in chat.text
    chat.tap("J10")
    assert chat.state.car == "J10" and chat.state.guided
    visited = []
    for _ in range(20):
        visited.append(chat.state.method)
        _, total = step_numbers(chat.text)
        for _ in range(total - 1):
            chat.tap("Next")
        chat.tap("Didn't work")
        if chat.state.method is None:
            break
    assert "hands-free" not in visited, "a J10 has no smart pedal"
    assert visited[-1] == "interior-release", "the interior release comes last"
    assert "service" in chat.text.lower() or "dealer" in chat.text.lower()
    chat.tap("Menu")
    chat.tap("It won't open")
    assert "Which Qashqai" not in chat.text, "the car is asked once"


def test_car_can_be_changed_and_is_kept(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J11")
    assert chat.state.car == "J11" and "J11" in chat.text
    chat.send("/car")
    chat.tap("J12")
    assert chat.state.car == "J12"


def test_confident_question_gets_the_entry(chat: Chat, knowledge: Knowledge) -> None:
    (reply,) = chat.send("how do i change the key fob battery, which one does it take")
    assert knowledge.entry("faq-fob-battery").title.in_("en") in reply.text
    assert "CR2032" in reply.text


def test_unrelated_question_says_what_the_bot_helps_with(chat: Chat) -> None:
    (reply,) = chat.send("how do I open the bonnet")
    assert "only help with opening the trunk" in reply.text
    assert any("It won't open" in b.label for row in reply.buttons for b in row)


def test_close_call_offers_did_you_mean_buttons(chat: Chat, conversation: Conversation) -> None:
    question = "key trouble"
    result = conversation.matcher.match(question)
    assert result.suggestions, "the test needs a close call"
    (reply,) = chat.send(question)
    assert "Did you mean" in reply.text
    chat.tap_data(reply.buttons[0][0].data)
    assert conversation.knowledge.entry(result.suggestions[0]).title.in_("en") in chat.text


@pytest.mark.parametrize("data", ["", "garbage", "1zzzz:s:lid-button:0", "x" * 64,
                                  "1{v}:s:lid-button:99", "1{v}:e:no-such-entry", "1{v}:q",
                                  "1{v}:s:lid-button:-1", "1{v}:g:J13"])
def test_stale_or_forged_buttons_lead_to_the_current_menu(chat: Chat, knowledge: Knowledge,
                                                          data: str) -> None:
    (reply,) = chat.tap_data(data.replace("{v}", knowledge.version))
    assert "older menu" in reply.text
    assert any("It won't open" in b.label for row in reply.buttons for b in row)


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "location"])
def test_non_text_gets_a_pointer_to_the_menu(conversation: Conversation, kind: str) -> None:
    _, (reply,) = conversation.handle(ChatState(), Unsupported(kind))
    assert "only read text" in reply.text and reply.buttons


@pytest.mark.parametrize("text", ["", "   ", "🙂🙂🙂", "x" * 10_000, "<b>bold</b> & co",
                                  "бага" * 2500])
def test_odd_text_always_gets_one_valid_reply(chat: Chat, text: str) -> None:
    replies = chat.send(text)
    assert len(replies) == 1


def test_quick_reply_buttons_work_mid_walk(chat: Chat) -> None:
    chat.send("/start")
    chat.tap("Ways to open")
    chat.tap("Hands-free")
    chat.send("🔑 Key fob")
    assert chat.state.method == "key-fob" and step_numbers(chat.text)[0] == 1
    chat.send("❓ FAQ")
    assert "Frequently asked" in chat.text


def test_reset_forgets_car_and_progress(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J11")
    chat.send("🔑 Key fob")
    chat.send("/reset")
    assert chat.state.car is None and chat.state.method is None


def test_generation_in_question_sets_the_car_when_unknown(chat: Chat) -> None:
    chat.send("my 2016 qashqai j11 boot wont open")
    assert chat.state.car == "J11"
    chat.send("my 2009 qashqai boot wont open")
    assert chat.state.car == "J11", "a known car is not overwritten by a passing mention"


def test_entry_not_for_this_generation_says_so(chat: Chat) -> None:
    chat.send("/car")
    chat.tap("J10")
    chat.send("how do i use the hands free kick sensor to open the tailgate")
    assert "may not apply to your J10" in chat.text


def test_html_in_knowledge_is_escaped(conversation: Conversation) -> None:
    for entry in conversation.knowledge.entries.values():
        text = conversation.screens.entry_text(ChatState(language="en"), entry)
        assert not re.search(r"<(?!/?b>)", text), entry.id


def test_it_opened_is_offered_on_every_step(chat: Chat, knowledge: Knowledge) -> None:
    chat.send("🔑 Key fob")
    chat.tap("Next")
    (reply,) = chat.tap("It opened")
    assert "the trunk is open" in reply.text and chat.state.method is None


def test_another_way_skips_what_was_tried(chat: Chat, knowledge: Knowledge) -> None:
    order = knowledge.guided_order
    chat.send("/car")
    chat.tap("J11")
    chat.send("🔘 Lid button")  # second in the guided order, picked by hand
    chat.tap("Try another way")
    assert chat.state.method == order[0], "the most likely way left comes next"
    assert "Way 1 of" in chat.text
    chat.tap("Try another way")
    assert chat.state.method == order[2], "the lid button is not offered again"


def test_every_way_failed_ends_with_the_last_resort_one_tap_away(
    chat: Chat, knowledge: Knowledge
) -> None:
    chat.send("/car")
    chat.tap("J12")
    chat.send("/start")
    chat.tap("It won't open")
    for _ in range(len(knowledge.guided_order)):
        chat.tap("another way" if "Try another way" in str(chat.replies) else "Didn't work")
    assert chat.state.method is None
    last_resort = knowledge.entry(knowledge.guided_order[-1]).title.in_("en")
    chat.tap(last_resort)
    assert last_resort in chat.text


def test_leaving_the_car_question_does_not_start_a_walk_later(chat: Chat) -> None:
    chat.send("/start")
    chat.tap("It won't open")
    assert "Which Qashqai" in chat.text
    chat.tap("Menu")
    chat.send("/car")
    chat.tap("J11")
    assert "Saved: J11" in chat.text and chat.state.method is None


def test_menu_offers_to_continue_where_the_owner_left_off(chat: Chat) -> None:
    chat.send("🔘 Lid button")
    chat.tap("Next")
    chat.tap("Next")
    (menu,) = chat.send("/menu")
    label = next(b.label for row in menu.buttons for b in row)
    assert "Continue" in label and "step 3" in label
    chat.tap("Continue")
    assert step_numbers(chat.text)[0] == 3


def test_back_from_the_first_step_shows_the_whole_answer(chat: Chat,
                                                        knowledge: Knowledge) -> None:
    chat.send("🔑 Key fob")
    (reply,) = chat.tap("Back")
    assert knowledge.entry("key-fob").answer.in_("en")[:30] in reply.text.replace("&#x27;", "'")
