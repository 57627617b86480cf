"""The wiring: the Application, the process around it, and what a chat's turn is.

application.py   the framework's Application, built in one place (no Updater: our receivers)
runner.py        start and stop in either mode, the signals, the event loop
chat_turn.py     one chat's turn: flood guard, state in, conversation, state out, recorded,
                 replies out; admin.py stands in front of it for the admins' commands
housekeeping.py  what is past its time goes, at start and hourly
"""

from bot.telegram.wiring.admin import AdminDesk, publish_admin_commands
from bot.telegram.wiring.application import DEFAULTS, build_application, wait_for_telegram
from bot.telegram.wiring.chat_turn import ChatTurns
from bot.telegram.wiring.housekeeping import Housekeeping
from bot.telegram.wiring.runner import Runner, run_until_signalled

__all__ = ["DEFAULTS", "AdminDesk", "ChatTurns", "Housekeeping", "Runner", "build_application",
           "publish_admin_commands", "run_until_signalled", "wait_for_telegram"]
