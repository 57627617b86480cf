"""The conversation, free of Telegram: (chat state, what the user did) -> (new state, replies)."""

from bot.dialog.conversation import Conversation
from bot.dialog.events import Command, Event, Tap, TextMessage, Unsupported
from bot.dialog.reply import Button, PictureRef, Reply
from bot.dialog.state import ChatState

__all__ = [
    "Button", "ChatState", "Command", "Conversation", "Event", "PictureRef", "Reply", "Tap",
    "TextMessage", "Unsupported",
]
