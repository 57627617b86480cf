"""Qashqai Trunk Assistant: gets a Nissan Qashqai owner's trunk open, one step at a time."""
