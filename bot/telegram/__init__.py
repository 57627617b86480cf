"""Everything that speaks python-telegram-bot, in one place.

outbound/  replies out: a Reply as Bot API calls, pictures, share links and inline answers,
           retries, the rate limit, the HTTP layer

This file imports nothing, so that a module of one part loads only what that part needs.
"""
