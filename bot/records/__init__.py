"""What the bot keeps for the people who run it, and how they read it, as plain data and text.

recorder.py    writes down what each turn did (the conversation's effects), once per turn
stats.py       the /stats report (and `python -m bot stats`)
unanswered.py  the questions it could not answer: grouped, as CSV, as YAML phrasings

Nothing here speaks Telegram: the admins' commands that send these are
bot/telegram/wiring/admin.py.
"""

import bot.records.stats as stats
import bot.records.unanswered as unanswered
from bot.records.recorder import DAY, Recorder

__all__ = ["DAY", "Recorder", "stats", "unanswered"]
