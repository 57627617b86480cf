"""Measuring the bot: accuracy on labelled questions, and behaviour on scripted conversations."""
