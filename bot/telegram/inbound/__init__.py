"""Updates in: from Telegram to a chat's turn, each confirmed only once it has been handled.

polling.py      getUpdates, the offset held at the oldest update in progress; standby.py
                lets one process of several poll
webhook.py      Telegram posts updates (aiohttp), answered 200 once handled
handling.py     where both end: handle in the chat's order (chat_order.py), journal, confirm
flood_guard.py  the brakes on one person's flood: per chat, and each user's budgets
handlers.py     one framework handler per kind of user action; events.py makes the Event

Each name is imported from its module when first used (bot/lazy.py): the receivers start
before the handlers, and what they need, are loaded.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.telegram.inbound.chat_order import ChatOrder as ChatOrder
    from bot.telegram.inbound.flood_guard import BUDGET_BURST as BUDGET_BURST
    from bot.telegram.inbound.flood_guard import BURST as BURST
    from bot.telegram.inbound.flood_guard import FloodGuard as FloodGuard
    from bot.telegram.inbound.flood_guard import UpdateBudgets as UpdateBudgets
    from bot.telegram.inbound.flood_guard import Verdict as Verdict
    from bot.telegram.inbound.handlers import TurnTaker as TurnTaker
    from bot.telegram.inbound.handlers import add_handlers as add_handlers
    from bot.telegram.inbound.handlers import publish_commands as publish_commands
    from bot.telegram.inbound.handling import ALLOWED_UPDATES as ALLOWED_UPDATES
    from bot.telegram.inbound.handling import CONCURRENT_UPDATES as CONCURRENT_UPDATES
    from bot.telegram.inbound.handling import HandleThenConfirm as HandleThenConfirm
    from bot.telegram.inbound.polling import LONG_POLL_SECONDS as LONG_POLL_SECONDS
    from bot.telegram.inbound.polling import Poller as Poller
    from bot.telegram.inbound.standby import Standby as Standby
    from bot.telegram.inbound.webhook import SECRET_HEADER as SECRET_HEADER
    from bot.telegram.inbound.webhook import WebhookReceiver as WebhookReceiver
else:
    from bot.lazy import exports

    __all__, __getattr__, __dir__ = exports(__name__, __file__)
