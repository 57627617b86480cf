"""Updates in: from Telegram to a chat's turn, each confirmed only once it has been handled.

polling.py      getUpdates, the offset held at the oldest update in progress; standby.py
                lets one process of several poll
webhook.py      Telegram posts updates (aiohttp), answered 200 once handled
handling.py     where both end: handle in the chat's order (chat_order.py), journal, confirm
flood_guard.py  the brakes on one person's flood: per chat, and each user's budgets
handlers.py     one framework handler per kind of user action; events.py makes the Event
"""

from bot.telegram.inbound.chat_order import ChatOrder
from bot.telegram.inbound.flood_guard import BUDGET_BURST, BURST, FloodGuard, UpdateBudgets, Verdict
from bot.telegram.inbound.handlers import (
    ALLOWED_UPDATES,
    TurnTaker,
    add_handlers,
    publish_commands,
)
from bot.telegram.inbound.handling import CONCURRENT_UPDATES, HandleThenConfirm
from bot.telegram.inbound.polling import LONG_POLL_SECONDS, Poller
from bot.telegram.inbound.standby import Standby
from bot.telegram.inbound.webhook import SECRET_HEADER, WebhookReceiver, derived_secret

__all__ = ["ALLOWED_UPDATES", "BUDGET_BURST", "BURST", "CONCURRENT_UPDATES", "LONG_POLL_SECONDS",
           "SECRET_HEADER", "ChatOrder", "FloodGuard", "HandleThenConfirm", "Poller", "Standby",
           "TurnTaker", "UpdateBudgets", "Verdict", "WebhookReceiver", "add_handlers",
           "derived_secret", "publish_commands"]
