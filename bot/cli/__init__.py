"""Command-line entry points: run, chat, check, ask, eval."""
