"""Matching: a free-text question in, ranked knowledge entries and a decision out."""

from bot.matching.matcher import Match, Matcher, MatchResult, Outcome

__all__ = ["Match", "MatchResult", "Matcher", "Outcome"]
