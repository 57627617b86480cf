"""Short messages that mean one thing in context: "didn't work", "next", "thanks", "👍".

A question is matched against the knowledge (matcher.py); a reply to what is on screen is not
a question, and matching it as one gave "did you mean" for "it worked!". These replies are a
few words long and said in a handful of ways, so each meaning is a list of phrases
(knowledge/intents.yaml) and a message means one when it is:
- an emoji the intents name (👍, 👎), alone;
- close to a whole phrase (rapidfuzz's Indel ratio: "nxt" ~ "next", "thnks" ~ "thanks");
- or its phrases with only filler around them ("nope, didn't work sorry", "forget it, main
  menu").
Negation must agree: "не помогло" is 82% like "помогло", and "not yet" is not "yes", so a
message with a negation word only means a phrase that has one too. Messages longer than
MAX_WORDS are questions, whatever words they share with a phrase.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.matching.normalise import clean, words

MAX_WORDS = 7
WHOLE_PHRASE_SCORE = 80.0  # Indel ratio: "next" ~ "text" is 75; "nxt" ~ "next" 86, "дальще" 83


@dataclass(frozen=True)
class _Phrase:
    meaning: str
    words: tuple[str, ...]
    text: str
    negated: bool  # has a negation word, or means a refusal ("still shut", "nah")


class PhraseMatcher:
    """Which of some meanings a short message has, if any."""

    def __init__(self, meanings: Mapping[str, Iterable[str]], *, negations: Iterable[str],
                 fillers: Iterable[str], emojis: Mapping[str, Iterable[str]],
                 repair: Callable[[str], Sequence[str]] | None = None,
                 mixed: bool = False, negative: Iterable[str] = (),
                 droppable: Iterable[str] = ()) -> None:
        """`mixed`: a message may combine phrases of several meanings ("awesome, thanks!",
        small talk); it then means the one of its longest phrase. Walk replies are not mixed:
        "next, it didn't work" is no reply at all."""
        self._mixed = mixed
        # words left out before the fuzzy comparison ("didnt wrk either"): only the intents'
        # own fillers, not stop words, which carry a question ("как открыт багажник")
        self._droppable = frozenset(w for d in droppable for w in words(clean(d)))
        negative_meanings = frozenset(negative)  # "failed", "no": more negation keeps them
        self._negations = frozenset(w for n in negations for w in words(clean(n)))
        self._fillers = frozenset(w for f in fillers for w in words(clean(f)))
        self._emojis = {  # an emoji means the first of its meanings this matcher knows
            unicodedata.normalize("NFKC", emoji).replace("\ufe0f", ""): known[0]
            for emoji, said in emojis.items()
            if (known := [m for m in said if m in meanings])}
        self._repair: Callable[[str], Sequence[str]] = repair or (lambda text: words(clean(text)))
        self._phrases: list[_Phrase] = []
        for meaning, phrases in meanings.items():
            for text in phrases:
                spelled = tuple(self._repair(text))
                if spelled:
                    negated = (meaning in negative_meanings
                               or bool(self._negations & set(spelled)))
                    self._phrases.append(_Phrase(meaning, spelled, " ".join(spelled), negated))
        self._texts = [p.text for p in self._phrases]
        self._by_meaning: dict[str, list[_Phrase]] = {}
        for phrase in self._phrases:
            self._by_meaning.setdefault(phrase.meaning, []).append(phrase)

    def meaning(self, message: str) -> str | None:
        emoji = self._emoji(message)
        if emoji is not None:
            return emoji
        spelled = self._repair(message)
        if not spelled or len(spelled) > MAX_WORDS:
            return None
        negated = bool(self._negations & set(spelled))
        said = [w for w in spelled if w not in self._droppable] or spelled
        for _, _, index in process.extract(
                " ".join(said), self._texts, scorer=fuzz.ratio,
                score_cutoff=WHOLE_PHRASE_SCORE, limit=5):
            phrase = self._phrases[index]
            if phrase.negated or not negated:  # "не помогло" is not "помогло"
                return phrase.meaning
        if self._mixed:
            found = self._only_phrases_of(spelled, self._phrases)
            return found.meaning if found is not None else None
        for phrases in self._by_meaning.values():
            found = self._only_phrases_of(spelled, phrases)
            if found is not None:
                return found.meaning
        return None

    def _only_phrases_of(self, spelled: Sequence[str], phrases: list[_Phrase]) -> _Phrase | None:
        """The longest of these phrases, if some appear whole and every other word is
        filler. A negation left over turns a positive phrase around ("не" + "помогло"), so it
        is filler only next to negative ones ("нет" + "ничего")."""
        rest, longest, all_negative = list(spelled), None, True
        present = set(spelled)
        for phrase in sorted((p for p in phrases if present.issuperset(p.words)),
                             key=lambda p: -len(p.words)):
            size = len(phrase.words)
            start = 0
            while start <= len(rest) - size:
                if tuple(rest[start:start + size]) == phrase.words:
                    del rest[start:start + size]
                    longest = longest or phrase
                    all_negative = all_negative and phrase.negated
                else:
                    start += 1
        if longest is None or not all(
                (w in self._fillers and w not in self._negations)
                or (all_negative and w in self._negations) for w in rest):
            return None
        return longest

    def emoji(self, message: str) -> str | None:
        """What a message that is nothing but a known emoji means, if it is one."""
        return self._emoji(message)

    def _emoji(self, message: str) -> str | None:
        """An emoji the intents know, when the message is nothing but emoji."""
        compact = unicodedata.normalize("NFKC", message).replace("\ufe0f", "").strip()
        if not compact or any(ch.isalnum() for ch in compact):
            return None
        for emoji, meaning in self._emojis.items():
            if compact.replace(" ", "").startswith(emoji):
                return meaning
        return None
