"""Getting updates in and replies out, reliably: everything between Telegram and a chat's turn.

receivers    polling.py (getUpdates, offset held at the oldest update in progress) and
             webhook.py (aiohttp), both ending in handling.py: handle, then confirm
order        chat_order.py: one chat's updates in order, chats concurrently
a turn       chat_turn.py: flood guard, state in, conversation, state out, replies out
retries      retries.py (tenacity policies), rate_limit.py (the framework's limiter + retries)
process      application.py (the framework's Application), runner.py (start, stop, signals);
             the heartbeat and the log are bot/monitoring's
"""
