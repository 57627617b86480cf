"""A local Telegram Bot API test server for end-to-end tests of the bot (see server.py)."""

from .errors import ApiError
from .faults import FAULT_KINDS, FaultKind, Faults
from .server import DEFAULT_TOKEN, FakeTelegram
from .state import ScopeKey, WebhookState
from .views import BotMessageView, Call, Rejection

__all__ = [
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "ApiError",
    "BotMessageView",
    "Call",
    "FakeTelegram",
    "FaultKind",
    "Faults",
    "Rejection",
    "ScopeKey",
    "WebhookState",
]
