"""The conversation, free of Telegram: (chat state, what the user did) -> (new state, replies).

Each name is imported from its module when first used (bot/lazy.py): the storage and the
metrics name a chat's state, events and replies without loading the conversation itself.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.dialog.conversation import Conversation as Conversation
    from bot.dialog.events import Command as Command
    from bot.dialog.events import Event as Event
    from bot.dialog.events import Tap as Tap
    from bot.dialog.events import TextMessage as TextMessage
    from bot.dialog.events import Unsupported as Unsupported
    from bot.dialog.reply import Button as Button
    from bot.dialog.reply import PictureRef as PictureRef
    from bot.dialog.reply import Reply as Reply
    from bot.dialog.state import ChatState as ChatState
else:
    from bot.lazy import exports

    __all__, __getattr__, __dir__ = exports(__name__, __file__)
