"""The wiring: the Application, the process around it, and what a chat's turn is.

application.py   the framework's Application, built in one place, its Defaults set once
                 (HTML, no link previews) and no Updater (our receivers confirm)
runner.py        start and stop in either mode, the signals, the event loop
chats.py         what serves the chats, added once the conversation is built
chat_turn.py     one chat's turn: flood guard, state in, conversation, state out, recorded,
                 replies out; admin.py stands in front of it for the admins' commands
housekeeping.py  what is past its time goes, at start and hourly

Each name is imported from its module when first used (bot/lazy.py).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.telegram.wiring.application import DEFAULTS as DEFAULTS
    from bot.telegram.wiring.chat_turn import ChatTurns as ChatTurns
    from bot.telegram.wiring.chats import ChatService as ChatService
    from bot.telegram.wiring.housekeeping import Housekeeping as Housekeeping
    from bot.telegram.wiring.runner import Runner as Runner
    from bot.telegram.wiring.runner import run_until_signalled as run_until_signalled
else:
    from bot.lazy import exports

    __all__, __getattr__, __dir__ = exports(__name__, __file__)
