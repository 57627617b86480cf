"""What the bot keeps for the people who run it, and how they read it.

turns.py     what one turn amounted to (a question answered, a way that opened the boot, a
             rating), read from the conversation's own output
recorder.py  writes that down through the storage interface, once per turn
stats.py     the /stats report (and `python -m bot stats`)
unanswered.py  the questions it could not answer: grouped, as CSV, as YAML phrasings
admin.py     /stats and /unanswered for the chats in ADMIN_CHAT_IDS
"""
