"""An Update, in words the conversation understands: a Command, TextMessage, Tap or Unsupported."""

from __future__ import annotations

from telegram import Message, Update

from bot.dialog import Command, Tap, TextMessage, Unsupported

# What a message that is neither text nor a command carries, in the order Telegram's own
# clients show precedence; anything else is "other".
_MESSAGE_KINDS = ("sticker", "photo", "voice", "video_note", "video", "animation", "audio",
                  "document", "location", "venue", "contact", "poll", "dice")


def language_code(update: Update) -> str | None:
    """Telegram's guess of the user's language, from their client's settings."""
    user = update.effective_user
    return user.language_code if user else None


def command(message: Message, language: str | None) -> Command:
    return Command.parse(message.text or "", language)


def text(message: Message, language: str | None) -> TextMessage:
    return TextMessage(message.text or "", language)


def tap(data: str | None, language: str | None) -> Tap:
    """A tap whose button carried no data is still a tap: the dialog answers it sensibly."""
    return Tap(data or "", language)


def unsupported(message: Message | None, language: str | None) -> Unsupported:
    kind = next((k for k in _MESSAGE_KINDS if message and getattr(message, k, None)), "other")
    return Unsupported(kind, language)


def tapped_message(update: Update) -> Message | None:
    """The message whose button was tapped, if the bot can still edit it."""
    query = update.callback_query
    message = query.message if query is not None else None
    return message if isinstance(message, Message) and message.is_accessible else None
