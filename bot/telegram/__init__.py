"""Everything that speaks python-telegram-bot, in one place; the rest of the bot knows none
of it.

inbound/   updates in: polling and the webhook, handle-then-confirm, a chat's order, the
           flood guard and budgets, the framework's handlers turning an Update into an Event
outbound/  replies out: a Reply as Bot API calls, pictures, share links and inline answers,
           retries, the rate limit, the HTTP layer
wiring/    the Application, the process that runs it, a chat's turn and the admins' commands
persistence_marks.py, stray_parse_mode.py  the two workarounds for the framework, each
           alone with its test (tests/unit/test_framework_workaround.py)

Wiring uses inbound and outbound; inbound uses outbound; outbound uses neither. This file
imports nothing, so that a module of one part loads only what that part needs (the
workarounds' test runs in the image's build stage with nothing else).
"""
