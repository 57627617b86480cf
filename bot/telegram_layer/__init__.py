"""Translation between python-telegram-bot's objects and the dialog's events and replies.

Nothing is decided here and nothing is stored: events.py turns an Update into an Event,
handlers.py registers one framework handler per kind of user action and hands the event on,
replies.py turns a Reply into Bot API calls (the delivery seam), and persistence_marks.py
holds the one workaround for the framework. Getting updates in and replies out (polling,
webhook, retries, ordering, the journal) is bot/delivery's job.
"""
