"""What a message says, beyond which entry it matches: someone shut in the boot, ways
already tried, another make of car, small talk, or a reply to what is on screen.

One message often says several things ("my 2010 qashqai, tried the fob and the button, boot
still shut"): the reader reports each, and the conversation decides what to do with them.
Knows nothing of chats; every rule's words are data (knowledge/intents.yaml, synonyms.yaml).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from bot.knowledge import (
    LANGUAGES,
    NO_ENTRY,
    Act,
    Knowledge,
    KnowledgeError,
    Symptom,
    Urgent,
    WordRule,
)
from bot.knowledge.model import PhraseSet
from bot.matching.learned import SHUT_IN, LinearModel, Message, Prediction
from bot.matching.matcher import Match, Matcher, MatchResult, Outcome
from bot.matching.normalise import Normaliser, clean, words
from bot.matching.phrases import PhraseMatcher

LANGUAGE_REQUEST = "language_"  # small talk "language_ru": "можно по-русски?"
# Where a message's last clause starts: "the indicators flashed but nothing", "ок, не помогло".
_LAST_CLAUSE = re.compile(r"[,.;:!]+|\s(?:but|and|though|но|и|а|але|aber)\s", re.IGNORECASE)
_VERDICTS = frozenset({Act.FAILED.value, Act.WORKED.value})
SURE_ACT = 0.7  # the act classifier's probability that settles what a message does

# The question classifier's probability for its best entry, at or above which it is answered;
# below, "did you mean". Where the matcher shares nothing with the knowledge, the classifier
# must be surer than UNRELATED_OVERRULED to answer. Chosen on sets held out from training.
ANSWER_CONFIDENCE = 0.2
UNRELATED_OVERRULED = 0.6
MATCHER_SHARE = 0.5  # of the matcher's score, added to the classifier's probability
LIKELY_ENTRIES = 3  # the classifier's likeliest, which the matcher ranks
SURE_ENTRY = 0.9  # ... or only its best, when it is this sure
WONT_OPEN_SHARE = 0.5  # "won't open" said outright: that entry, if it scores this share of the best
# ... but "won't open" said in passing does not overrule a situation beside the walk
# (intents.yaml wont_open.beside) that plainly fits better ("froze overnight and now the hatch
# is stuck", "what do I tell the garage, it won't open"): scoring this much, and won't-open
# under this share of it
PLAINLY_OTHER = 0.7
PLAINLY_OTHER_SHARE = 0.7
MATCHES_REPORTED = 5
# Someone shut in the boot: the rules of intents.yaml, when the emergency classifier does not
# rule it out (RULED_SHUT_IN), or the classifier alone when it is sure (SURELY_SHUT_IN).
RULED_SHUT_IN = 0.1
SURELY_SHUT_IN = 0.7
PLAINLY_NO_ENTRY = 0.6  # the question classifier's "none" at or above which it is plain
SURELY_NO_ENTRY = 0.9  # ... and at or above which it is not about the boot without a doubt
CAR_ONLY_WORDS = 2  # besides the car, words a message may have and still say only which car
FOREIGN_WORDS = 2  # common words of a language we do not speak that tell it, without its letters



@dataclass(frozen=True)
class Reading:
    match: MatchResult
    urgent: Urgent | None = None  # someone or the keys shut in the boot: answered first
    tried: tuple[str, ...] = ()  # ways the message says did not work, in guided order
    other_make: str | None = None  # another make or model named
    small_talk: str | None = None  # greeting, thanks ...: the whole message is that
    about_qashqai: bool = False  # names the Qashqai, or another car only in passing
    no_tools: bool = False  # says there are no jump leads or booster at hand
    language_confident: bool = False  # enough words to tell the language by
    acts: Prediction = field(default_factory=lambda: Prediction(((Act.QUESTION.value, 1.0),)))
    emoji: Act | None = None  # an emoji alone, as a reply on a walk (👍 it opened, 👎 failed)
    symptom: Symptom | None = None  # something seen that changes the advice ("all doors unlock")
    named: tuple[str, ...] = ()  # ways the message names ("the pad", "the key"), in guided order
    deictic: bool = False  # points at what is on screen: "where exactly is that", "а это где"
    says_tried: bool = False  # "tried", "пробовал": a report of what was done
    freed: bool = False  # "she's out", "вытащили", with no negation: someone shut in is out
    car_only: bool = False  # names the car and nothing of the boot: "it's a 2018 if that helps"
    foreign: str | None = None  # a language the bot does not speak ("uk", "de"), if written in
    plainly_elsewhere: bool = False  # about something else than the boot, without a doubt

    @property
    def language(self) -> str:
        """The bot's language to answer in: the message's, or for a language it does not
        speak, the closer of its two (Russian for Ukrainian, Belarusian, Kazakh)."""
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


def message_features(normaliser: Normaliser) -> Callable[[str], Message]:
    """How the learned classifiers see a message, when they learn and when they read: its
    words as meant (script and typos repaired) and its marks ("?", emoji)."""
    def prepare(text: str) -> Message:
        return Message.read(normaliser.repair(text), text)
    return prepare


def _model(knowledge: Knowledge, name: str) -> LinearModel:
    data = knowledge.models.get(name)
    if data is None:
        raise KnowledgeError(f"knowledge/models/{name}.json.gz", None, None,
                             "missing: run python -m bot train")
    return LinearModel.from_bytes(data)


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
        self._shut_in = next(u for u in intents.urgent.values() if u.emergency)
        self._shut_in_rules = [_Rule.of(r) for r in self._shut_in.rules]
        self._someone = _Words([*intents.someone.every, *(
            word for rule in self._shut_in.rules for word in rule.groups[0])])
        self._foreign_languages = intents.foreign_languages
        self._symptoms = [(s, [_Rule.of(r) for r in s.rules]) for s in intents.symptoms.values()]
        self._trunk_parts = knowledge.concept_roles.trunk_parts
        self._boot_concepts = (knowledge.concept_roles.trunk_parts
                               | knowledge.concept_roles.subjects
                               | {c for concepts in intents.tried_ways.values() for c in concepts})
        self._repair_words = normaliser.repair
        self._features = message_features(normaliser)
        self._act_model = _model(knowledge, "acts")
        self._entry_model = _model(knowledge, "entries")
        self._emergency_model = _model(knowledge, "emergency")
        self._talk_model = _model(knowledge, "talk")
        self._is_known = normaliser.is_known
        self._tried_markers = _Words(intents.tried.every)
        self._weak_markers = _Words(intents.tried_with_two.every)
        self._way_concepts = {way: frozenset(concepts)
                              for way, concepts in intents.tried_ways.items()}
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
        self._deictic = _Words(intents.deictic.every)
        self._freed = _Words(intents.freed.every)
        self._negations = _Words(intents.negations.every)
        self._trunk = frozenset(intents.wont_open.trunk)
        self._beside = frozenset(intents.wont_open.beside)
        self._comparisons = _Words(intents.comparisons.every)

        # our car by any of its names ("Rogue Sport", "Dualis"): never another make, and a
        # message naming it beside another ("I had a Ford...") is about ours
        ours = sorted(set(intents.our_car.every), key=len, reverse=True)
        self._our_car = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(clean(n)).replace(r"\*", r"\w*") for n in ours)
            + r")(?!\w)")
        makes = sorted(set(intents.other_makes.every), key=len, reverse=True)
        self._other_makes = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(clean(m)) for m in makes) + r")(?!\w)")

    def read(self, text: str, *, about_the_boot: bool = False) -> Reading:
        """`about_the_boot`: the chat is about the boot already, so "he's in there!!" needs
        no boot named to be someone shut in it."""
        found = self._features(text)
        predicted = self._entry_model.predict(found)
        # the matcher ranks only the classifier's likeliest: the one it is sure of, if it is
        wanted = 1 if predicted.confidence >= SURE_ENTRY else LIKELY_ENTRIES
        likely = frozenset(label for label, _ in predicted.ranked[:wanted])
        match = self._combine(self._matcher.match(text, among=likely), predicted)
        tokens = set(match.tokens)
        cleaned = clean(text)
        # as meant (typos repaired) and as typed: a word of a language we do not speak is
        # "repaired" into one of ours, and the rules know it as typed ("дитина", "Hund")
        spelled = (*self._repair_words(text), "|", *words(cleaned))
        present = frozenset(spelled)
        # someone shut in is named (a child, a dog, "he", "I'm inside"): else nobody is, and
        # the emergency classifier need not be asked
        shut_in = (self._emergency_model.predict(found).of(SHUT_IN)
                   if self._someone.any_in(spelled, present) else 0.0)
        urgent = next((u for u, rules in self._urgent
                       if any(self._holds(r, spelled, present, u.emergency, shut_in,
                                          about_the_boot) for r in rules)), None)
        if urgent is None and shut_in >= SURELY_SHUT_IN and not any(
                r.none_of.any_in(spelled, present) for r in self._shut_in_rules):
            urgent = self._shut_in  # the classifier sure, and nothing says it is a thing
        small_talk = self._small_talk.meaning(text) if urgent is None else None
        says_wont_open = self._says_wont_open(match)
        says_tried = self._tried_markers.any_in(spelled, present)
        no_tools = self._no_tools.any_in(spelled, present)
        specific = self._wont_open_rule.specific - (self._absent_tools if no_tools else set())
        if says_wont_open and not self._plainly_other(match) and (not tokens & specific or (
                match.outcome is not Outcome.ANSWER and self._wont_open in match.suggestions)
                or (match.outcome is Outcome.ANSWER
                    and self._close_to_best(match, self._wont_open))):
            match = match.answering(self._wont_open)  # "boot. stuck.": the commonest problem
        return Reading(
            match=match,
            urgent=urgent,
            tried=self._tried(spelled, present, tokens,
                              says_wont_open or match.outcome is not Outcome.ANSWER
                              or ("?" not in text and says_tried)),
            other_make=self._other_makes_named(cleaned),
            small_talk=small_talk,
            about_qashqai=bool(self._our_car.search(cleaned))
            or self._comparisons.any_in(spelled, present),
            no_tools=no_tools,
            language_confident=self._says_language(text),
            wont_open=self._wont_open,
            acts=self._acts(text, found),
            emoji=_act(self._walk_replies.emoji(text)),
            foreign=self._foreign(cleaned),
            named=self._named(tokens),
            deictic=self._deictic.any_in(spelled, present),
            says_tried=says_tried,
            car_only=(match.generation is not None and not match.off_topic
                      and not tokens & self._boot_concepts and len(tokens) <= CAR_ONLY_WORDS),
            freed=self._freed.any_in(spelled, present)
            and not self._negations.any_in(spelled, present),
            symptom=next((symptom for symptom, rules in self._symptoms
                          if any(r.holds(spelled, present) for r in rules)), None),
            plainly_elsewhere=self._elsewhere(match, predicted),
        )

    def _acts(self, text: str, found: Message) -> Prediction:
        """What the message does on a screen. A report often ends with its verdict after what
        was done ("found the pad, pressed it, nada"): when the whole is unsure and its last
        clause is sure, the last clause says it."""
        if not found:  # nothing but symbols: no act, and no question either
            return Prediction(((Act.QUESTION.value, 1.0),))
        whole = self._act_model.predict(found)
        clauses = [c for c in _LAST_CLAUSE.split(text) if c.strip()]
        unsure = whole.confidence < SURE_ACT or whole.best == Act.QUESTION.value
        if not unsure or len(clauses) < 2 or "?" in text:
            return whole
        last = self._act_model.predict(self._features(clauses[-1]))
        if last.best in _VERDICTS and last.confidence >= SURE_ACT:
            return last
        return whole

    def talk(self, text: str) -> str:
        """Which small talk a message is (greeting, thanks, ok...), when it is small talk."""
        return self._small_talk.meaning(text) or self._talk_model.predict(
            self._features(text)).best

    def closest(self, question: str, texts: list[str], *, chars: int) -> list[str]:
        """The texts that share most with a question about them, best first, as many as fit
        in `chars` (always one); the first texts (the step's own) when none shares anything."""
        asked = set(self._normalise(question).tokens)
        scored = [(len(asked & self._concepts_of(t)), -i, t) for i, t in enumerate(texts)]
        ranked = [t for shared, _, t in sorted(scored, reverse=True) if shared] or texts
        chosen: list[str] = []
        for text in ranked:
            if chosen and sum(map(len, chosen)) + len(text) > chars:
                break
            chosen.append(text)
        return chosen

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one Reader lives as long as the bot)
    def _concepts_of(self, text: str) -> frozenset[str]:
        """A knowledge text's concepts: the same few hundred texts, asked about again."""
        return frozenset(self._normalise(text, as_written=True).tokens)

    def _foreign(self, cleaned: str) -> str | None:
        """A language the bot does not speak, told by its letters or its commonest words."""
        said = set(words(cleaned))
        for language in self._foreign_languages:
            if (language.letters and any(ch in cleaned for ch in language.letters)) or len(
                    said & language.words) >= FOREIGN_WORDS:
                return language.code
        return None

    def _elsewhere(self, match: MatchResult, predicted: Prediction) -> bool:
        """Plainly not about the boot: another part of the car named and none of the boot, or
        both classifier and matcher sure that no entry fits."""
        if match.outcome is not Outcome.UNRELATED:
            return False
        return (match.off_topic and not match.tokens & self._trunk_parts) or (
            predicted.best == NO_ENTRY and predicted.confidence >= SURELY_NO_ENTRY)

    def _combine(self, match: MatchResult, predicted: Prediction) -> MatchResult:
        """The classifier's probability for each entry, plus a share of the matcher's score:
        the two miss different questions. No entry fits when the classifier says so (unless
        the matcher is sure and the classifier is not), or when the matcher found nothing of
        ours and the classifier is unsure; a vague question naming something of ours ("key
        trouble") gets "did you mean"."""
        scores = {label: p for label, p in predicted.ranked if label != NO_ENTRY}
        for found in match.matches:
            scores[found.entry_id] = scores.get(found.entry_id, 0.0) + MATCHER_SHARE * found.score
        best_first = sorted(scores.items(), key=lambda item: -item[1])[:MATCHES_REPORTED]
        ranked = tuple(Match(entry_id, round(score, 4)) for entry_id, score in best_first)
        best = ranked[0].entry_id if ranked else NO_ENTRY
        says_none = predicted.best == NO_ENTRY and (match.outcome is not Outcome.ANSWER
                                                   or predicted.confidence >= PLAINLY_NO_ENTRY)
        if says_none and match.outcome is Outcome.CLOSE_CALL and (
                predicted.confidence < PLAINLY_NO_ENTRY):
            outcome = Outcome.CLOSE_CALL
        elif says_none or not ranked or (match.outcome is Outcome.UNRELATED
                                         and predicted.of(best) < UNRELATED_OVERRULED):
            outcome = Outcome.UNRELATED
        elif ranked[0].score >= ANSWER_CONFIDENCE:
            outcome = Outcome.ANSWER
        else:
            outcome = Outcome.CLOSE_CALL
        return replace(match, outcome=outcome, matches=ranked)

    def _plainly_other(self, match: MatchResult) -> bool:
        """A situation beside the walk answers, strongly, and won't-open is far behind it."""
        if match.outcome is not Outcome.ANSWER or match.answer_id not in self._beside:
            return False
        best = match.matches[0].score
        wont_open = next((m.score for m in match.matches if m.entry_id == self._wont_open), 0.0)
        return best >= PLAINLY_OTHER and wont_open < PLAINLY_OTHER_SHARE * best

    @staticmethod
    def _close_to_best(match: MatchResult, entry_id: str) -> bool:
        """`entry_id` scores nearly as well as the best: "won't open" said outright then
        settles it ("my wife shut the boot and now it won't open")."""
        scores = {m.entry_id: m.score for m in match.matches}
        return bool(match.matches) and scores.get(entry_id, 0.0) >= (
            WONT_OPEN_SHARE * match.matches[0].score)

    @staticmethod
    def _holds(rule: _Rule, spelled: tuple[str, ...], present: frozenset[str],
               emergency: bool, shut_in: float, about_the_boot: bool) -> bool:
        """A rule about someone shut in holds unless the emergency classifier rules it out
        ("my wife's bag is in the boot"); one that needs the chat's context, only in it."""
        if rule.in_context and not about_the_boot:
            return False
        if emergency and not rule.in_context and shut_in < RULED_SHUT_IN:
            return False
        return rule.holds(spelled, present)

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

    def _named(self, tokens: set[str]) -> tuple[str, ...]:
        named = [m for m, concepts in self._way_concepts.items() if tokens & concepts]
        return tuple(sorted(named, key=lambda m: self._guided_order.get(m, len(named))))

    def _tried(self, spelled: tuple[str, ...], present: frozenset[str], tokens: set[str],
               nothing_else: bool) -> tuple[str, ...]:
        """The ways named in a message that says it tried them ("tried the fob and the
        button", "ни кнопкой ни брелоком", "pressed the thing on the key, trunk's not
        opening"): two ways or more, or one in a message that says the boot won't open or
        asks nothing else ("tried the key fob already"). Wondering, the weak signs are a guess:
        "could it be locked from inside? she may have pressed something"."""
        named = self._named(tokens)
        if not named or not (len(named) >= 2 or nothing_else):
            return ()  # "tried the kick twenty times, am I doing it wrong?" asks about that way
        said = self._tried_markers.any_in(spelled, present) or (
            (len(named) >= 2 or nothing_else) and self._weak_markers.any_in(spelled, present)
            and not self._wondering.any_in(spelled, present))
        if not said:
            return ()
        return named

    def _says_language(self, text: str) -> bool:
        """A word we know, of three letters or more, in the language detected: "ok", "J11"
        or a string of symbols say nothing about which language the person prefers."""
        return any(len(word) >= 3 and not word.isdigit() and self._is_known(word)
                   for word in self._repair(text))

    def _other_makes_named(self, cleaned: str) -> str | None:
        found = self._other_makes.search(self._our_car.sub(" ", cleaned))
        return found.group(1) if found is not None else None


def _act(meaning: str | None) -> Act | None:
    return Act(meaning) if meaning is not None and meaning in set(Act) else None


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
    in_context: bool

    @classmethod
    def of(cls, rule: WordRule) -> _Rule:
        return cls(tuple(_Words(g) for g in rule.groups), _Words(rule.none_of), rule.in_context)

    def holds(self, spelled: tuple[str, ...], present: frozenset[str]) -> bool:
        return (all(group.any_in(spelled, present) for group in self.groups)
                and not self.none_of.any_in(spelled, present))
