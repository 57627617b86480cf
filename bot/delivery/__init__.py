"""The bot's process: what bot/telegram/inbound and outbound are wired into.

a turn       chat_turn.py: flood guard, state in, conversation, state out, replies out
process      application.py (the framework's Application), runner.py (start, stop, signals),
             housekeeping.py (what is past its time goes, hourly)
"""
