"""Pushes updates to the bot's webhook the way Telegram does (JSON POST + secret header)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from .state import WebhookState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


async def post_update(hook: WebhookState, update: dict[str, Any], timeout: float = 10.0) -> int:
    """POST one Update to the webhook URL; returns the HTTP status the bot answered."""
    if not hook.url:
        raise RuntimeError("no webhook is set; call setWebhook first")
    headers = {"Content-Type": "application/json"}
    if hook.secret_token:
        headers[SECRET_HEADER] = hook.secret_token
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    async with (
        aiohttp.ClientSession(timeout=client_timeout) as session,
        session.post(hook.url, data=json.dumps(update), headers=headers) as response,
    ):
        await response.read()
        return response.status
