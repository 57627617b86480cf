"""The wiring: the Application, the process around it, and what a chat's turn is.

application.py   the framework's Application, built in one place, its Defaults set once
                 (HTML, no link previews) and no Updater (our receivers confirm)
runner.py        start and stop in either mode, the signals, the event loop
chat_turn.py     one chat's turn: flood guard, state in, conversation, state out, recorded,
                 replies out; admin.py stands in front of it for the admins' commands
housekeeping.py  what is past its time goes, at start and hourly
"""

from bot.telegram.wiring.application import DEFAULTS
from bot.telegram.wiring.chat_turn import ChatTurns
from bot.telegram.wiring.housekeeping import Housekeeping
from bot.telegram.wiring.runner import Runner, run_until_signalled

__all__ = ["DEFAULTS", "ChatTurns", "Housekeeping", "Runner", "run_until_signalled"]
