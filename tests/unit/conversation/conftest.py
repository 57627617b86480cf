"""A user in one chat with the pure conversation: keeps the state between turns, and finds
buttons by what they do (their action), not by their wording."""

from __future__ import annotations

import pytest

from bot.dialog import ChatState, Command, Conversation, Event, Reply, Tap, TextMessage
from bot.dialog.callback_data import MAX_BYTES, Action
from bot.dialog.navigation import Kind, Screen
from bot.dialog.reply import Button, ReplyKind
from bot.dialog.self_check import MAX_SCREEN_CHARS, visible_length


class Chat:
    def __init__(self, conversation: Conversation, language_code: str = "en",
                 state: ChatState | None = None) -> None:
        self.conversation = conversation
        self.state = state or ChatState()
        self.language_code = language_code
        self.replies: list[Reply] = []

    def send(self, text: str) -> list[Reply]:
        event: Event
        if text.startswith("/"):
            event = Command.parse(text, self.language_code)
        else:
            event = TextMessage(text, self.language_code)
        return self.do(event)

    def tap(self, label_part: str) -> list[Reply]:
        return self.do(Tap(self.button(label_part).data, self.language_code))

    def press(self, action: Action, *args: str) -> list[Reply]:
        """The newest button doing `action` (with these first arguments, if given)."""
        return self.do(Tap(self.button_doing(action, *args).data, self.language_code))

    def tap_data(self, data: str) -> list[Reply]:
        return self.do(Tap(data, self.language_code))

    def buttons(self) -> list[Button]:
        return [b for reply in self.replies for row in reply.buttons for b in row]

    def button(self, label_part: str) -> Button:
        for button in reversed(self.buttons()):
            if label_part.lower() in button.label.lower():
                return button
        raise AssertionError(f"no button with {label_part!r}; buttons: "
                             f"{[b.label for b in self.buttons()]}")

    def button_doing(self, action: Action, *args: str) -> Button:
        codec = self.conversation.kit.codec
        for button in reversed(self.buttons()):
            data = codec.unpack(button.data)
            if data is not None and data.action is action and data.args[:len(args)] == args:
                return button
        raise AssertionError(f"no {action.name} button; buttons: "
                             f"{[b.label for b in self.buttons()]}")

    def has_button_doing(self, action: Action) -> bool:
        try:
            self.button_doing(action)
        except AssertionError:
            return False
        return True

    @property
    def text(self) -> str:
        return "\n".join(r.plain_text for r in self.replies)

    @property
    def kind(self) -> ReplyKind:
        """What the answering reply is (a notice about the language comes before it)."""
        shown = [r for r in self.replies if r.kind is not ReplyKind.NOTICE or r.buttons]
        return (shown or self.replies)[-1].kind

    @property
    def screen(self) -> Screen | None:
        return self.state.screen

    @property
    def way(self) -> str | None:
        screen = self.screen
        if screen is None or screen.kind not in (Kind.STEP, Kind.TOOLS, Kind.GATE):
            return None
        return screen.entry

    def do(self, event: Event) -> list[Reply]:
        self.state, self.replies, _ = self.conversation.handle(self.state, event)
        assert self.replies, "every event gets a reply"
        for reply in self.replies:
            assert visible_length(reply.text) <= MAX_SCREEN_CHARS, reply.text
            for row in reply.buttons:
                for button in row:
                    assert len(button.data.encode()) <= MAX_BYTES
        return self.replies


@pytest.fixture
def chat(conversation: Conversation) -> Chat:
    return Chat(conversation)


@pytest.fixture
def russian_chat(conversation: Conversation) -> Chat:
    return Chat(conversation, language_code="ru")
