"""Ranks knowledge entries for a free-text question and decides: answer, ask, or decline.

How a question is scored, and why:
- Question and knowledge both go through the Normaliser (typos, synonyms, stems, both
  languages), so what is compared are concept tokens, not raw spellings.
- Each entry is represented by several short documents: its title and each phrasing (how owners
  ask), plus, at a discount, its answer and steps (what it says). An entry scores as its best
  document: one phrasing that fits well beats many that fit a little.
- A document is compared with the question by weighted token overlap: a token's weight is its
  inverse document frequency across entries, so "trunk", which every entry mentions, decides
  little, and "cr2032" or "fuse" decide a lot. The weighted overlap is
  an F1 score of covering the question's words (recall) and the document's (precision).
  Unknown words weigh as much as the rarest known ones: "oil change interval" shares only
  "change" with the knowledge and must score low.
- rapidfuzz's token_set_ratio over the same token strings (40% of the score) adds a
  word-order-free string similarity that rescues near-misses the weights cannot see (a stem
  one letter off) and rewards a question that is nearly all of one phrasing.
- A question that names another part of the car (bonnet, fuel flap, oil: knowledge/off_topic.yaml)
  and nothing of the trunk is declined whatever it scores: "open the bonnet" shares "open".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.knowledge import LANGUAGES, Entry, Generation, Knowledge
from bot.matching.normalise import Normalised, Normaliser, clean, stem, words

# Calibrated on tests/data/dev.yaml (python -m bot eval tests/data/dev.yaml) and checked against
# tests/data/heldout.yaml, which was written without seeing the knowledge or the dev set.
ANSWER_THRESHOLD = 0.45  # at or above: answer with the best entry ...
ANSWER_MARGIN = 0.0  # ... if it is at least this far ahead of the runner-up
SUGGEST_THRESHOLD = 0.30  # at or above (but not confident): "did you mean" buttons
SUGGESTIONS = 3
MATCHES_REPORTED = 5

_RECALL_BETA = 1.0
_DESCRIPTION_DISCOUNT = 0.7  # answer and step texts say things; phrasings are how people ask
_STRING_SIMILARITY_SHARE = 0.4
_STRING_SCORER = fuzz.token_set_ratio
_ANCHOR = "trunk"
_GENERATION_CONCEPTS = {"genj10": Generation.J10, "genj11": Generation.J11,
                        "genj12": Generation.J12}


class Outcome(StrEnum):
    ANSWER = "answer"
    CLOSE_CALL = "close_call"
    UNRELATED = "unrelated"


@dataclass(frozen=True)
class Match:
    entry_id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    query: str
    language: str
    outcome: Outcome
    matches: tuple[Match, ...]  # best first
    generation: Generation | None  # a generation the question names ("my 2016 j11")

    @property
    def answer_id(self) -> str | None:
        return self.matches[0].entry_id if self.outcome is Outcome.ANSWER else None

    @property
    def suggestions(self) -> tuple[str, ...]:
        """The entries worth offering as "did you mean" buttons."""
        if self.outcome is not Outcome.CLOSE_CALL:
            return ()
        top = self.matches[0].score
        return tuple(m.entry_id for m in self.matches[:SUGGESTIONS]
                     if m.score >= max(SUGGEST_THRESHOLD, top * 0.75))


@dataclass(frozen=True)
class _Document:
    entry_id: str
    tokens: frozenset[str]
    text: str  # tokens joined, for rapidfuzz
    weight: float


class Matcher:
    """Built once from the knowledge; `match` is then pure and fast."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._normaliser = Normaliser(
            knowledge.synonyms, knowledge.stopwords, _vocabulary(knowledge)
        )
        self._documents = [
            _Document(entry.id, frozenset(tokens), " ".join(sorted(set(tokens))), weight)
            for entry in knowledge.entries.values()
            for text, weight in _documents_of(entry)
            if (tokens := self._normaliser.normalise(text).tokens)
        ]
        self._texts = [d.text for d in self._documents]
        entry_count = len(knowledge.entries)
        frequency = Counter(
            token for entry_id in knowledge.entries
            for token in {t for d in self._documents if d.entry_id == entry_id for t in d.tokens}
        )
        self._idf = {t: math.log(1 + entry_count / n) for t, n in frequency.items()}
        self._unknown_weight = math.log(1 + entry_count)  # as rare as a token can be
        self._off_topic = _off_topic_stems(knowledge, self._normaliser)
        self._entry_order = list(knowledge.entries)

    def match(self, query: str) -> MatchResult:
        normalised = self._normaliser.normalise(query)
        tokens = set(normalised.tokens)
        generation = next((_GENERATION_CONCEPTS[t] for t in normalised.tokens
                           if t in _GENERATION_CONCEPTS), None)
        if not tokens:
            return MatchResult(query, normalised.language, Outcome.UNRELATED, (), generation)
        matches = self._rank(normalised)
        outcome = self._decide(matches, tokens)
        return MatchResult(query, normalised.language, outcome, matches, generation)

    def _rank(self, normalised: Normalised) -> tuple[Match, ...]:
        query = set(normalised.tokens)
        weight = {t: self._idf.get(t, self._unknown_weight) for t in query}
        query_weight = sum(weight.values())
        query_text = " ".join(sorted(query))
        similarity = [0.0] * len(self._texts)
        for _, string_score, index in process.extract(
            query_text, self._texts, scorer=_STRING_SCORER, limit=None
        ):
            similarity[index] = string_score
        best: dict[str, float] = {}
        for document, string_score in zip(self._documents, similarity, strict=True):
            shared = query & document.tokens
            if not shared:
                continue
            overlap = sum(weight[t] for t in shared)
            recall = overlap / query_weight
            precision = overlap / sum(self._idf[t] for t in document.tokens)
            beta2 = _RECALL_BETA ** 2
            f_score = (1 + beta2) * precision * recall / (beta2 * precision + recall)
            score = document.weight * (
                (1 - _STRING_SIMILARITY_SHARE) * f_score
                + _STRING_SIMILARITY_SHARE * float(string_score) / 100
            )
            if score > best.get(document.entry_id, 0.0):
                best[document.entry_id] = score
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._entry_order.index(item[0])))
        return tuple(Match(entry_id, round(score, 4))
                     for entry_id, score in ranked[:MATCHES_REPORTED])

    def _decide(self, matches: Sequence[Match], tokens: set[str]) -> Outcome:
        if not matches:
            return Outcome.UNRELATED
        if tokens & self._off_topic and _ANCHOR not in tokens:
            return Outcome.UNRELATED
        top = matches[0].score
        runner_up = matches[1].score if len(matches) > 1 else 0.0
        if top >= ANSWER_THRESHOLD and top - runner_up >= ANSWER_MARGIN:
            return Outcome.ANSWER
        if top >= SUGGEST_THRESHOLD:
            return Outcome.CLOSE_CALL
        return Outcome.UNRELATED


def _documents_of(entry: Entry) -> Iterable[tuple[str, float]]:
    for language in LANGUAGES:
        yield entry.title.in_(language), 1.0
        for phrasing in entry.phrasings.get(language, ()):
            yield phrasing, 1.0
        yield entry.answer.in_(language), _DESCRIPTION_DISCOUNT
        for step in entry.steps:
            yield step.do.in_(language), _DESCRIPTION_DISCOUNT


def _vocabulary(knowledge: Knowledge) -> Iterable[str]:
    """Every word the bot knows, so typo repair only ever lands on a real word of ours."""
    for entry in knowledge.entries.values():
        for text, _ in _documents_of(entry):
            yield text
        for step in entry.steps:
            for extra in (step.tip, step.warning):
                if extra is not None:
                    yield from extra.by_language.values()
        for tip in (*entry.tips, *entry.warnings):
            yield from tip.by_language.values()
    for words_of_language in knowledge.off_topic.values():
        yield from words_of_language


def _off_topic_stems(knowledge: Knowledge, normaliser: Normaliser) -> frozenset[str]:
    """Stems that name another part of the car, minus any word our synonyms also use
    ("мотор двигателя" must not make "мотор" off topic)."""
    ours = {stem(w) for concepts in knowledge.synonyms.values()
            for variants in concepts.values() for v in variants for w in words(clean(v))}
    ours |= {concept for concepts in knowledge.synonyms.values() for concept in concepts}
    found: set[str] = set()
    for phrases in knowledge.off_topic.values():
        for phrase in phrases:
            for token in normaliser.normalise(phrase).tokens:
                if token not in ours:
                    found.add(token)
    return frozenset(found)
