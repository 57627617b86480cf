"""Ranks knowledge entries for a free-text question and decides: answer, ask, or decline.

How a question is scored, and why:
- Question and knowledge both go through the Normaliser (typos, synonyms, stems, both
  languages), so what is compared are concept tokens, not raw spellings.
- Each entry is represented by several short documents: its title and each phrasing (how owners
  ask), plus, at a discount, its answer and steps (what it says). An entry scores as its best
  document: one phrasing that fits well beats many that fit a little.
- A document is compared with the question by weighted token overlap: a token's weight is its
  inverse document frequency across entries, so "trunk" (the concept the boot and its synonyms
  share), which every entry mentions, decides little, and "cr2032" or "fuse" decide a lot. The
  weighted overlap is an F1 score of covering the question's words (recall) and the document's
  (precision).
  Unknown words weigh as much as the rarest known ones: "oil change interval" shares only
  "change" with the knowledge and must score low. But only the first unknown word counts in
  full: together they weigh as much as the square root of their number, so the filler of a long,
  rambling message ("just bought it and honestly no clue lol") does not drown what it does say.
- A generation or model year ("my 2016 j11") says which car, not what the owner wants: it sets
  MatchResult.generation and is left out of the comparison, so "my 2016 qashqai boot won't
  open" is about a boot that won't open, not about generations. Unless the question is about
  generations (knowledge/concept_roles.yaml: about_generations, or two generations named):
  then it stays, a word like any other.
- rapidfuzz's token_sort_ratio over the same sorted token strings (30% of the score) adds a
  word-order-free string similarity that rescues near-misses the weights cannot see (a stem
  one letter off). Not token_set_ratio: that gives 100 whenever one token set contains the
  other, so a short generic phrasing ("boot won't open") would fully match every longer,
  specific question ("why won't the kick sensor open my boot").
- Deciding: a question that names another part of the car (bonnet, fuel flap, oil:
  knowledge/off_topic.yaml) and nothing of the boot (trunk_parts, knowledge/concept_roles.yaml)
  is declined whatever it scores: "open the bonnet" shares "open"; one that names the boot too
  ("boot light", "boot capacity in litres") gets at most "did you mean". A confident answer
  needs a high enough score, and also that the question says something: it must name the boot,
  a part of it or a way to open it (subjects there: "how to set the clock" only shares
  "settings"), and its best document must share more than one common word with it (MIN_EVIDENCE:
  "tailgate issue" or "key trouble" are too vague to pick an entry). Otherwise a score above
  SUGGEST_THRESHOLD gets "did you mean" buttons.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from rapidfuzz import fuzz

from bot.knowledge import LANGUAGES, Entry, Generation, Knowledge
from bot.matching.normalise import Normaliser

# Calibrated on tests/data/dev.yaml (python -m bot eval tests/data/dev.yaml) together with the
# questions of tests/unit/test_matching.py that name the boot but are about something else
# ("boot capacity in litres"), and checked against tests/data/heldout.yaml, which was written
# without seeing the knowledge or the dev set. Scores are in 0..1.
ANSWER_THRESHOLD = 0.42  # at or above: answer with the best entry
# A question naming the boot and another part of the car ("wires in the sleeve to the roof",
# "towbar stops the kick sensor") is answered only when it fits an entry this well; a loose fit
# ("boot light") gets "did you mean".
OFF_TOPIC_ANSWER_THRESHOLD = 0.8
SUGGEST_THRESHOLD = 0.30  # at or above (but not confident): "did you mean" buttons
SUGGESTIONS = 3
SUGGEST_SHARE = 0.4  # "did you mean" offers the entries scoring at least this share of the best
MATCHES_REPORTED = 5
# Calibrated: the summed token weight (idf, 0.7 for "open"/"trunk" .. 2.8 for the rarest) a
# question must share with its best document to be answered: one telling token ("pedal" 1.4,
# "fuse" 2.8) or two common ones ("boot button" 1.7); "key trouble" (fob, 0.9) is a close call.
MIN_EVIDENCE = 1.3

# calibrated: answer and step texts say things; phrasings are how people ask
_DESCRIPTION_DISCOUNT = 0.7
_STRING_SIMILARITY_SHARE = 0.3  # calibrated (0.2-0.4 score alike on dev.yaml)
# token_sort_ratio, computed as a plain ratio: both sides are already sorted, de-duplicated tokens
_STRING_SCORER = fuzz.ratio
# n unknown words weigh as much as sqrt(n) rarest known tokens (0.5 to 1 score alike on dev.yaml;
# 0.5 is the choice that does not punish a long message for its filler)
_UNKNOWN_EXPONENT = 0.5
# An entry that does not apply to the car the question names ("my 2009 qashqai hasn't got a
# kick sensor") yields to one that does, when they are close.
_OTHER_CAR_DISCOUNT = 0.85
_NOTHING = (0.0, 0.0)

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
    generation: Generation | None  # the one generation the question names ("my 2016 j11")
    tokens: frozenset[str] = frozenset()  # the question's concepts and stems, as compared
    off_topic: bool = False  # it names another part of the car, or something else entirely

    @property
    def answer_id(self) -> str | None:
        return self.matches[0].entry_id if self.outcome is Outcome.ANSWER else None

    def answering(self, entry_id: str) -> MatchResult:
        """The same question, answered with `entry_id` (another reading settled it)."""
        rest = tuple(m for m in self.matches if m.entry_id != entry_id)
        best = next((m for m in self.matches if m.entry_id == entry_id), Match(entry_id, 0.0))
        return replace(self, outcome=Outcome.ANSWER, matches=(best, *rest))

    @property
    def suggestions(self) -> tuple[str, ...]:
        """The entries worth offering as "did you mean" buttons."""
        if self.outcome is not Outcome.CLOSE_CALL:
            return ()
        top = self.matches[0].score
        return tuple(m.entry_id for m in self.matches[:SUGGESTIONS]
                     if m.score >= top * SUGGEST_SHARE)


@dataclass(frozen=True)
class _Document:
    entry_id: str
    tokens: frozenset[str]
    text: str  # tokens joined, for rapidfuzz
    weight: float


class Matcher:
    """Built once from the knowledge; `match` is then pure and fast."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._roles = knowledge.concept_roles
        self.normaliser = Normaliser(
            knowledge.synonyms, knowledge.stopwords, _vocabulary(knowledge)
        )
        unique: dict[tuple[str, frozenset[str]], float] = {}  # same tokens: keep the higher weight
        # Someone shut in the boot is told to call for help when the rules of intents.yaml say
        # so, never on word overlap: "my son can't open the boot" shares most words with "my
        # kid is locked in the boot".
        rule_only = {u.entry for u in knowledge.intents.urgent.values() if u.emergency}
        for entry in knowledge.entries.values():
            if entry.id in rule_only:
                continue
            for text, weight in _documents_of(entry):
                if tokens := frozenset(self.normaliser.normalise(text, as_written=True).tokens):
                    key = (entry.id, tokens)
                    unique[key] = max(weight, unique.get(key, 0.0))
        self._documents = [_Document(entry_id, tokens, " ".join(sorted(tokens)), weight)
                           for (entry_id, tokens), weight in unique.items()]
        self._postings: dict[str, list[int]] = {}  # token -> the documents that contain it
        # token -> entry -> its documents that contain it: ranking a few entries reads only theirs
        self._entry_postings: dict[str, dict[str, list[int]]] = {}
        for index, document in enumerate(self._documents):
            for token in document.tokens:
                self._postings.setdefault(token, []).append(index)
                self._entry_postings.setdefault(token, {}).setdefault(
                    document.entry_id, []).append(index)
        entry_count = len(knowledge.entries)
        frequency = Counter(
            token for entry_id in knowledge.entries
            for token in {t for d in self._documents if d.entry_id == entry_id for t in d.tokens}
        )
        self._idf = {t: math.log(1 + entry_count / n) for t, n in frequency.items()}
        self._unknown_weight = math.log(1 + entry_count)  # as rare as a token can be
        self._document_weights = [sum(self._weight(t) for t in d.tokens) for d in self._documents]
        self._off_topic = (_off_topic_stems(knowledge, self.normaliser)
                           | knowledge.concept_roles.off_topic)
        self._entry_order = {entry_id: i for i, entry_id in enumerate(knowledge.entries)}
        self._generations = {e.id: e.generations for e in knowledge.entries.values()}

    def match(self, query: str, among: frozenset[str] | None = None) -> MatchResult:
        """`among`: only these entries are ranked (those another reading found likely), which
        costs a fraction of ranking them all."""
        normalised = self.normaliser.normalise(query)
        tokens = set(normalised.tokens)
        named = {self._roles.generations[t] for t in normalised.tokens
                 if t in self._roles.generations}
        # one generation names the car; several ("j10 vs j11") are what the question is about
        generation = named.pop() if len(named) == 1 else None
        if generation is not None and not tokens & self._roles.about_generations:
            tokens -= set(self._roles.generations)  # "my 2010 qashqai": which car, not a topic
        if not tokens:
            return MatchResult(query, normalised.language, Outcome.UNRELATED, (), generation)
        matches, evidence = self._rank(tokens, generation, among)
        outcome = self._decide(matches, tokens, evidence)
        return MatchResult(query, normalised.language, outcome, matches, generation,
                           frozenset(tokens), bool(tokens & self._off_topic))

    def _rank(self, query: set[str], generation: Generation | None,
              among: frozenset[str] | None = None) -> tuple[tuple[Match, ...], float]:
        """The best entries, best first, and the evidence for the best one: the summed weight of
        the question's tokens that its best document shares."""
        weight = {t: self._weight(t) for t in query}
        unknown = sum(1 for t in query if t not in self._idf)
        query_weight = (sum(w for t, w in weight.items() if t in self._idf)
                        + self._unknown_weight * unknown ** _UNKNOWN_EXPONENT)
        query_text = " ".join(sorted(query))
        overlap: dict[int, float] = {}  # document index -> weight of the shared tokens
        for token in query:
            token_weight = weight[token]
            if among is None:
                postings = self._postings.get(token, ())
            else:
                by_entry = self._entry_postings.get(token, {})
                postings = [i for entry in among for i in by_entry.get(entry, ())]
            for index in postings:
                overlap[index] = overlap.get(index, 0.0) + token_weight
        best: dict[str, tuple[float, float]] = {}  # entry id -> (score, shared weight)
        documents, document_weights, generations = (self._documents, self._document_weights,
                                                     self._generations)
        for index, shared in sorted(overlap.items()):  # by index: ties keep the first
            document = documents[index]
            # F1 of precision (shared / document) and recall (shared / question), simplified
            f_score = 2 * shared / (query_weight + document_weights[index])
            scale = document.weight
            if generation is not None and generation not in generations[document.entry_id]:
                scale *= _OTHER_CAR_DISCOUNT
            so_far = best.get(document.entry_id, _NOTHING)[0]
            # the string score is the costly part: skip it when even a perfect one would not do
            if scale * ((1 - _STRING_SIMILARITY_SHARE) * f_score
                        + _STRING_SIMILARITY_SHARE) <= so_far:
                continue
            string_score = _STRING_SCORER(query_text, document.text) / 100
            score = scale * ((1 - _STRING_SIMILARITY_SHARE) * f_score
                             + _STRING_SIMILARITY_SHARE * string_score)
            if score > so_far:
                best[document.entry_id] = (score, shared)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], self._entry_order[item[0]]))
        evidence = ranked[0][1][1] if ranked else 0.0
        return tuple(Match(entry_id, round(score, 4))
                     for entry_id, (score, _) in ranked[:MATCHES_REPORTED]), evidence

    def _weight(self, token: str) -> float:
        return self._idf.get(token, self._unknown_weight)

    def _decide(self, matches: Sequence[Match], tokens: set[str], evidence: float) -> Outcome:
        if not matches:
            return Outcome.UNRELATED
        off_topic = bool(tokens & self._off_topic)
        if off_topic and not tokens & self._roles.trunk_parts:
            return Outcome.UNRELATED
        top = matches[0].score
        threshold = OFF_TOPIC_ANSWER_THRESHOLD if off_topic else ANSWER_THRESHOLD
        if top >= threshold and evidence >= MIN_EVIDENCE and tokens & self._roles.subjects:
            return Outcome.ANSWER
        if top >= SUGGEST_THRESHOLD and (tokens & self._roles.subjects
                                         or top >= ANSWER_THRESHOLD):
            # naming nothing of the boot ("best pizza near me"), only a close fit is worth a
            # "did you mean"
            return Outcome.CLOSE_CALL
        return Outcome.UNRELATED


def _documents_of(entry: Entry) -> Iterable[tuple[str, float]]:
    for language in LANGUAGES:
        yield entry.title.in_(language), 1.0
        for phrasing in entry.phrasings.in_(language):
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
    intents = knowledge.intents  # replies are repaired with the same vocabulary
    for phrase_sets in (intents.walk, intents.answers, intents.small_talk):
        for phrase_set in phrase_sets.values():
            yield from phrase_set.every
    for urgent in intents.urgent.values():
        for rule in urgent.rules:
            for group in rule.groups:
                yield from (word for word in group if not word.endswith("*"))


def _off_topic_stems(knowledge: Knowledge, normaliser: Normaliser) -> frozenset[str]:
    """Tokens that name another part of the car, minus our own concepts ("мотор двигателя" must
    not make "мотор" off topic). A word our synonyms only use inside a phrase stays off topic:
    "red light" is read as one concept before "light" alone could count."""
    ours = {concept for concepts in knowledge.synonyms.values() for concept in concepts}
    found: set[str] = set()
    for phrases in knowledge.off_topic.values():
        for phrase in phrases:
            for token in normaliser.normalise(phrase).tokens:
                if token not in ours:
                    found.add(token)
    return frozenset(found)
