"""What a message says, beyond which entry it matches: someone shut in the boot, ways
already tried, another make of car, small talk, or a reply to what is on screen.

One message often says several things ("my 2010 qashqai, tried the fob and the button, boot
still shut"): the reader reports each, and the conversation decides what to do with them.
Knows nothing of chats; every rule's words are data (knowledge/intents.yaml, synonyms.yaml).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.knowledge import LANGUAGES, Knowledge, Urgent, WordRule
from bot.knowledge.model import PhraseSet
from bot.matching.matcher import Matcher, MatchResult, Outcome
from bot.matching.normalise import clean, words
from bot.matching.phrases import PhraseMatcher

# A message naming our car as well as another ("I had a Ford, how does the Qashqai open?")
# is about ours.
_OUR_CAR = re.compile(r"\b(qashqai|qashqay|кашка[йяюе]\w*)\b")


@dataclass(frozen=True)
class Reading:
    match: MatchResult
    urgent: Urgent | None = None  # someone or the keys shut in the boot: answered first
    tried: tuple[str, ...] = ()  # methods the message says did not work, in guided order
    other_make: str | None = None  # another make or model named
    small_talk: str | None = None  # greeting, thanks ...: the whole message is that
    about_qashqai: bool = False  # names the Qashqai, or another car only in passing
    no_tools: bool = False  # says there are no jump leads or booster at hand
    language_confident: bool = False  # enough words to tell the language by

    @property
    def language(self) -> str:
        return self.match.language

    wont_open: str = ""  # the entry of "it won't open", which ways already tried lead to

    @property
    def answer_id(self) -> str | None:
        """The entry the bot answers with, None when it asks, declines or chats."""
        if self.urgent is not None:
            return self.urgent.entry
        if self.small_talk is not None or (self.other_make and not self.about_qashqai):
            return None
        if self.tried:  # "tried the fob and the button": the run, from the next way
            return self.wont_open
        return self.match.answer_id


class Reader:
    """Built once from the knowledge; `read` is then pure."""

    def __init__(self, knowledge: Knowledge, matcher: Matcher) -> None:
        intents = knowledge.intents
        self._matcher = matcher
        normaliser = matcher.normaliser
        self._normalise = normaliser.normalise
        repair = normaliser.repair_script
        self._repair = repair

        fillers = [*intents.fillers.every,
                   *(w for language in LANGUAGES for w in knowledge.stopwords[language])]

        def phrase_matcher(meanings: Mapping[str, PhraseSet], *,
                           mixed: bool = False) -> PhraseMatcher:
            return PhraseMatcher({name: phrases.every for name, phrases in meanings.items()},
                                 negations=intents.negations.every, fillers=fillers,
                                 emojis=intents.emojis, repair=normaliser.repair, mixed=mixed,
                                 negative=intents.negative_meanings,
                                 droppable=intents.fillers.every)

        self._walk_replies = phrase_matcher(intents.walk)
        self._answers = phrase_matcher(intents.answers)
        self._small_talk = phrase_matcher(intents.small_talk, mixed=True)
        self._urgent = [(u, [_Rule.of(r) for r in u.rules]) for u in intents.urgent.values()]
        self._repair_words = normaliser.repair
        self._is_known = normaliser.is_known
        self._tried_markers = _Words(intents.tried.every)
        self._weak_markers = _Words(intents.tried_with_two.every)
        self._way_concepts = {method: frozenset(concepts)
                              for method, concepts in intents.tried_ways.items()}
        self._guided_order = {m: i for i, m in enumerate(knowledge.guided_order)}
        self._wont_open = knowledge.guided_entry
        rule = intents.wont_open
        self._wont_open_rule = _ConceptSets(frozenset(rule.failure), frozenset(rule.about),
                                            frozenset(rule.none_of), frozenset(rule.specific))
        self._no_tools = _Words(intents.no_tools.every)
        # what "no jump leads, no booster" names is what the person has not got: not a topic
        self._absent_tools = frozenset(
            token for phrase in intents.no_tools.every
            for token in normaliser.normalise(phrase).tokens) - {*rule.failure, *rule.about}
        self._wondering = _Words(intents.wondering.every)
        self._trunk = frozenset(intents.wont_open.trunk)
        self._comparisons = _Words(intents.comparisons.every)

        makes = sorted(set(intents.other_makes.every), key=len, reverse=True)
        self._other_makes = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(clean(m)) for m in makes) + r")(?!\w)")

    def read(self, text: str) -> Reading:
        match = self._matcher.match(text)
        tokens = set(match.tokens)
        cleaned = clean(text)
        spelled = tuple(self._repair_words(text))
        present = frozenset(spelled)
        urgent = next((u for u, rules in self._urgent
                       if any(r.holds(spelled, present) for r in rules)), None)
        small_talk = self._small_talk.meaning(text) if urgent is None else None
        says_wont_open = self._says_wont_open(match)
        no_tools = self._no_tools.any_in(spelled, present)
        specific = self._wont_open_rule.specific - (self._absent_tools if no_tools else set())
        if says_wont_open and (not tokens & specific or (
                match.outcome is not Outcome.ANSWER and self._wont_open in match.suggestions)):
            match = match.answering(self._wont_open)  # "boot. stuck.": the commonest problem
        return Reading(
            match=match,
            urgent=urgent,
            tried=self._tried(spelled, present, tokens,
                          says_wont_open or match.outcome is not Outcome.ANSWER),
            other_make=self._other_makes_named(cleaned),
            small_talk=small_talk,
            about_qashqai=bool(_OUR_CAR.search(cleaned))
            or self._comparisons.any_in(spelled, present),
            no_tools=no_tools,
            language_confident=self._says_language(text),
            wont_open=self._wont_open,
        )

    def walk_reply(self, text: str) -> str | None:
        """worked / failed / next / back / repeat / skip / stop, or None."""
        return self._walk_replies.meaning(text)

    def answer(self, text: str) -> str | None:
        """yes / no to a question on screen, or None."""
        return self._answers.meaning(text)

    def _says_wont_open(self, match: MatchResult) -> bool:
        rule, tokens = self._wont_open_rule, match.tokens
        # "dash lights come on but the boot won't open": another part named beside the boot
        return (bool(tokens & rule.failure) and bool(tokens & rule.about)
                and not tokens & rule.none_of
                and (not match.off_topic or bool(tokens & self._trunk)))

    def _tried(self, spelled: tuple[str, ...], present: frozenset[str], tokens: set[str],
               nothing_else: bool) -> tuple[str, ...]:
        """The ways named in a message that says it tried them ("tried the fob and the
        button", "ни кнопкой ни брелоком", "pressed the thing on the key, trunk's not
        opening"): two ways or more, or one in a message that says the boot won't open or
        asks nothing else ("tried the key fob already"). Wondering, the weak signs are a guess:
        "could it be locked from inside? she may have pressed something"."""
        named = [m for m, concepts in self._way_concepts.items() if tokens & concepts]
        if not named or not (len(named) >= 2 or nothing_else):
            return ()  # "tried the kick twenty times, am I doing it wrong?" asks about that way
        said = self._tried_markers.any_in(spelled, present) or (
            (len(named) >= 2 or nothing_else) and self._weak_markers.any_in(spelled, present)
            and not self._wondering.any_in(spelled, present))
        if not said:
            return ()
        return tuple(sorted(named, key=lambda m: self._guided_order.get(m, len(named))))

    def _says_language(self, text: str) -> bool:
        """A word we know, of three letters or more, in the language detected: "ok", "J11"
        or a string of symbols say nothing about which language the person prefers."""
        return any(len(word) >= 3 and not word.isdigit() and self._is_known(word)
                   for word in self._repair(text))

    def _other_makes_named(self, cleaned: str) -> str | None:
        found = self._other_makes.search(cleaned)
        return found.group(1) if found is not None else None


@dataclass(frozen=True)
class _ConceptSets:
    failure: frozenset[str]
    about: frozenset[str]
    none_of: frozenset[str]
    specific: frozenset[str]


@dataclass(frozen=True)
class _Phrase:
    """A rule's word or phrase, read once: its words, and whether the last is a beginning."""

    words: tuple[str, ...]
    prefix: bool

    @classmethod
    def of(cls, phrase: str) -> _Phrase:
        return cls(tuple(words(clean(phrase.rstrip("*")))), phrase.endswith("*"))

    def is_in(self, spelled: tuple[str, ...]) -> bool:
        """In a row in the message; a last word ending in "*" matches any ending."""
        size = len(self.words)
        if not size:
            return False
        *head, last = self.words
        for start in range(len(spelled) - size + 1):
            if list(spelled[start:start + size - 1]) == head and (
                    spelled[start + size - 1].startswith(last) if self.prefix
                    else spelled[start + size - 1] == last):
                return True
        return False


class _Words:
    """Words and phrases, read once, to look for in a message: single words by set, word
    beginnings ("заперт*") by str.startswith, phrases word by word."""

    def __init__(self, phrases: Iterable[str]) -> None:
        read = [_Phrase.of(p) for p in phrases]
        self._single = frozenset(p.words[0] for p in read if len(p.words) == 1 and not p.prefix)
        self._beginnings = tuple(p.words[0] for p in read if len(p.words) == 1 and p.prefix)
        self._phrases = [p for p in read if len(p.words) > 1]

    def any_in(self, spelled: tuple[str, ...], present: frozenset[str]) -> bool:
        return (bool(present & self._single)
                or (bool(self._beginnings) and any(w.startswith(self._beginnings)
                                                   for w in spelled))
                or any(p.words[0] in present and p.is_in(spelled) for p in self._phrases))


@dataclass(frozen=True)
class _Rule:
    groups: tuple[_Words, ...]
    none_of: _Words

    @classmethod
    def of(cls, rule: WordRule) -> _Rule:
        return cls(tuple(_Words(g) for g in rule.groups), _Words(rule.none_of))

    def holds(self, spelled: tuple[str, ...], present: frozenset[str]) -> bool:
        return (all(group.any_in(spelled, present) for group in self.groups)
                and not self.none_of.any_in(spelled, present))
