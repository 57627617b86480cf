"""Qashqai Trunk Assistant: gets a Nissan Qashqai owner's boot open, one step at a time."""

__version__ = "0.1.0"  # the one place it is written: pyproject.toml reads it from here
