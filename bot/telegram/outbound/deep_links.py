"""The bot's own links: deep links to an answer, and share buttons that carry them.

The dialog names what to share (an entry id, bot/dialog/sharing.py); this module knows the
bot's username (from getMe) and whether its inline mode is on, and turns that into buttons
Telegram accepts:
- with inline mode on, a share button opens the chat picker and then "@bot <entry id>",
  whose one result (inline_answers.py) is a short message with a link back to the answer;
- without it, the button opens Telegram's own "share to..." with the deep link.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from telegram import Bot, InlineKeyboardButton

from bot.dialog import Button


@dataclass(frozen=True)
class DeepLinks:
    username: str  # the bot's, without @
    inline_mode: bool  # switched on with @BotFather's /setinline

    def to(self, payload: str) -> str:
        return f"https://t.me/{self.username}?start={payload}"

    def button(self, button: Button) -> InlineKeyboardButton:
        """A dialog button as Telegram shows it: a share button becomes a link."""
        if not button.share:
            return InlineKeyboardButton(button.label, callback_data=button.data)
        if self.inline_mode:
            return InlineKeyboardButton(button.label, switch_inline_query=button.share)
        query = urlencode({"url": self.to(button.share)})
        return InlineKeyboardButton(button.label, url=f"https://t.me/share/url?{query}")


def links_of(bot: Bot) -> DeepLinks | None:
    """The bot's own links, once it knows its username (getMe, at start)."""
    try:
        return DeepLinks(bot.username, bool(bot.supports_inline_queries))
    except RuntimeError:  # not initialised: no getMe yet
        return None
