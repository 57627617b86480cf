"""What each screen shows: knowledge and chat state in, an HTML reply with buttons out.

Screens decide text and buttons only; which screen comes next is bot.dialog.conversation's
job. All knowledge and interface text is escaped here, so nothing a YAML author writes can
break Telegram's HTML parser.
"""

from bot.dialog.screens.articles import Articles
from bot.dialog.screens.kit import (
    Kit,
    language_for_code,
    language_of,
    other_language,
)
from bot.dialog.screens.menus import COMMAND_KEYS, THEN_GUIDED, Menus

__all__ = ["COMMAND_KEYS", "THEN_GUIDED", "Articles", "Kit", "Menus", "language_for_code",
           "language_of", "other_language"]
