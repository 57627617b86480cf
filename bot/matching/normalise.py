"""From what an owner types to a short list of concept tokens the matcher can compare.

The steps, in order, and why each is there:
1. clean: case, ё/е, emoji, punctuation, apostrophes ("won't" -> "wont"), letters repeated
   for emphasis ("stuuuck" -> "stuck").
2. script repair: a Russian phrase typed on the Latin keyboard layout (",fuf;ybr") or written in
   Latin transliteration ("bagazhnik") becomes Cyrillic, when that explains more words than
   reading it as English does.
3. typo repair: a word we do not know is replaced by the closest known word that starts with the
   same letter: one with two neighbouring letters swapped ("opne" -> "open"), else the closest
   rapidfuzz finds (Indel ratio, which forgives a dropped, added or changed letter in a longer
   word). Typists rarely miss the first letter, and without that rule ordinary words we do not
   know land on ones we do ("clock" -> "lock", "cruise" -> "rise").
4. stemming with Snowball, for English and Russian. Why Snowball (snowballstemmer): it is the
   standard information-retrieval stemmer for both languages, with no dictionaries to download,
   and deterministic. snowballstemmer runs the C build of the same algorithms (PyStemmer) when
   it is installed, as it is here: the same stems, and the matcher's stems at start-up no
   longer hold the chats' first answers after a restart (bench/README.md). The knowledge and
   the question go through the same stemmer, so a full morphological analyser (pymorphy3) would
   buy lemma accuracy that the comparison does not need, at the cost of a large dictionary to
   ship and to load at start-up.
5. synonyms (knowledge/synonyms.yaml): boot / tailgate / ляда -> "trunk", fob / remote / брелок
   -> "fob"... Both languages share concept names, so the languages meet in one space. Phrases
   are found greedily, longest first, and at each length an exact spelling wins over a stem:
   that is how an inflected form listed under another concept than its base form keeps its own
   sense ("locked", a state, vs "lock", the latch; "options", ways, vs "option", a trim extra).
   A variant ending in "*" is a word beginning (a Russian verb root such as "откры*"), because
   Russian verbs change their stem with aspect and mood (открыть, откроется, откройте) and one
   Snowball stem cannot cover them.
6. stop words (knowledge/stopwords.yaml) are dropped last, so "how often" still counts. A stop
   phrase of several words ("any way", "is there a way") is found like a synonym phrase and
   dropped, so "any way to open it" does not ask for the list of ways; a stop word spelled
   exactly is dropped before a synonym's stem can claim it ("меня", me, stems like "меню", menu).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from rapidfuzz import fuzz, process

_LATIN_TO_CYRILLIC_KEYS = dict(zip(
    "qwertyuiop[]asdfghjkl;'zxcvbnm,.`",
    "йцукенгшщзхъфывапролджэячсмитьбюё",
    strict=True,
))
# Longest first: "shch" must win over "sh", "tsya" over "ts".
_TRANSLITERATION = (
    ("shch", "щ"), ("tsya", "тся"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"), ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е"), ("ja", "я"), ("ju", "ю"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"),
    ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
    ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("y", "ы"), ("w", "в"),
    ("x", "кс"), ("q", "к"), ("'", "ь"),
)
_TRANSLITERATION_PATTERN = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLITERATION))
_TRANSLITERATION_MAP = dict(_TRANSLITERATION)

# Letters of the languages owners write in, ours and their neighbours' (Ukrainian, Belarusian,
# Kazakh, German), so a word keeps all its letters: "відкривається", not "в" and "дкривається".
_WORD = re.compile(r"[a-zа-яäöüßіїєґўәғқңөұүһ0-9]+(?:\.[0-9]+)?")
# A phrase never spans a clause's end: punctuation followed by a space (",fuf;ybr", Russian on
# the Latin layout, and "12.6" keep theirs).
_CLAUSES = re.compile(r"[,;.!?]+(?=\s|$)")
_NOT_RUSSIAN_LATIN = re.compile(r"[äöüß]")  # German: never Russian on the wrong layout
_REPEATS = re.compile(r"([a-zа-я])\1{2,}")
_CYRILLIC = re.compile(r"[а-я]")

_GLUED_NEGATION = "не"
MIN_TYPO_LENGTH = 4  # shorter words have too many close neighbours to correct safely
TYPO_SCORE_CUTOFF = 78.0
# A typo adds, drops or changes a letter or two; "costco" is not "cost", "bungee" not "bung"
MAX_TYPO_LENGTH_CHANGE = 1  # Indel ratio: "trnuk" ~ "trunk" is 80, "pancakes" ~ "package" 67


def clean(text: str) -> str:
    """Lower-case, fold ё to е, drop emoji, apostrophes and accents, squeeze emphasis."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")
    text = re.sub(r"['’`ʼ]", "", text)
    return _REPEATS.sub(r"\1\1", text)


def words(cleaned: str) -> list[str]:
    return _WORD.findall(cleaned)


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word))


def from_latin_layout(chunk: str) -> str:
    """What a Russian typist meant when the keyboard was left on the Latin layout."""
    return "".join(_LATIN_TO_CYRILLIC_KEYS.get(char, char) for char in chunk)


def transliterate(word: str) -> str:
    """Latin transliteration back to Cyrillic ("bagazhnik" -> "багажник"), approximately:
    typo repair absorbs the rest."""
    return _TRANSLITERATION_PATTERN.sub(lambda m: _TRANSLITERATION_MAP[m.group(0)], word)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    language = "russian" if is_cyrillic(word) else "english"
    return _stemmer(language).stemWord(word)  # type: ignore[no-any-return]


@lru_cache(maxsize=2)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


_DROP = ""  # what a stop phrase maps to: found like a synonym, then dropped
_PREFIX_MARK = "*"


@dataclass(frozen=True)
class Normalised:
    """A question reduced to what the matcher compares, and what was learned on the way."""

    tokens: tuple[str, ...]  # concept names and stems, stop words removed, order kept
    language: str  # "ru" when the question reads as Russian, else "en"
    unknown: tuple[str, ...]  # words that neither the knowledge nor the stop words know


class Normaliser:
    """Built once from the knowledge's own vocabulary, then applied to every question."""

    def __init__(
        self,
        synonyms: Mapping[str, Mapping[str, Iterable[str]]],
        stopwords: Mapping[str, Iterable[str]],
        vocabulary_texts: Iterable[str],
    ) -> None:
        self._by_spelling: dict[tuple[str, ...], str] = {}
        self._by_stem: dict[tuple[str, ...], str] = {}
        base_forms: set[tuple[str, ...]] = set()  # stem keys claimed by an uninflected variant
        prefixes: dict[str, str] = {}
        phrases = [(concept, variant) for concepts in synonyms.values()
                   for concept, variants in concepts.items() for variant in variants]
        phrases += [(_DROP, phrase) for ws in stopwords.values() for phrase in ws]
        for concept, variant in phrases:
            spelled = tuple(words(clean(variant)))
            if not spelled:
                continue
            if variant.endswith(_PREFIX_MARK) and len(spelled) == 1:
                prefixes[spelled[0]] = concept
                continue
            self._by_spelling.setdefault(spelled, concept)
            if concept == _DROP and len(spelled) == 1:
                continue  # a single stop word goes by its spelling here, by its stem at the end
            key = tuple(stem(w) for w in spelled)
            is_base = key == spelled
            if key not in self._by_stem or (is_base and key not in base_forms):
                self._by_stem[key] = concept
            if is_base:
                base_forms.add(key)
        self._prefixes: dict[str, list[tuple[str, str]]] = {}  # first letter -> longest first
        for prefix, concept in sorted(prefixes.items(), key=lambda item: -len(item[0])):
            self._prefixes.setdefault(prefix[0], []).append((prefix, concept))
        self._longest_phrase = max((len(k) for k in self._by_spelling), default=1)
        self._stop_stems = {stem(single[0]) for ws in stopwords.values() for phrase in ws
                            if len(single := words(clean(phrase))) == 1}

        known: set[str] = set()
        for text in [*vocabulary_texts, *(w for ws in stopwords.values() for w in ws)]:
            known.update(words(clean(text)))
        known.update(w for _, variant in phrases for w in words(clean(variant))
                     if not variant.endswith(_PREFIX_MARK))
        self._known_words = frozenset(known)
        self._known_stems = frozenset(stem(w) for w in known)
        by_start_and_length: dict[tuple[str, int], list[str]] = {}
        for word in sorted(known):
            by_start_and_length.setdefault((word[0], len(word)), []).append(word)
        self._vocabulary = by_start_and_length
        # A message is read by the matcher and again by the reader's rules and phrases: each
        # repair is worked out once per text and word (pure functions of them).
        self._closest = lru_cache(maxsize=65_536)(self._closest_word)  # type: ignore[method-assign]
        self.repair_script = lru_cache(maxsize=4_096)(self._repair_script)  # type: ignore[method-assign]
        # a message is read several ways (the matcher, the classifiers, the rules): once
        self._repair = lru_cache(maxsize=4_096)(self._repair)  # type: ignore[method-assign]

    def normalise(self, text: str, *, as_written: bool = False) -> Normalised:
        """`as_written`: the knowledge's own text, spelled right in the right script, so the
        repairs (the costliest part of start-up) are skipped. Clauses are read apart: a
        phrase never spans a comma ("fob, button on the boot" is two things, not the "fob
        button")."""
        clauses = [c for c in _CLAUSES.split(text) if c.strip()]
        if len(clauses) > 1:
            parts = [self._normalise(c, as_written=as_written) for c in clauses]
            return Normalised(
                tokens=tuple(t for p in parts for t in p.tokens),
                language="ru" if any(p.language == "ru" for p in parts) else "en",
                unknown=tuple(w for p in parts for w in p.unknown))
        return self._normalise(text, as_written=as_written)

    def _normalise(self, text: str, *, as_written: bool) -> Normalised:
        raw = tuple(words(clean(text))) if as_written else self.repair_script(text)
        language = "ru" if any(is_cyrillic(w) for w in raw) else "en"
        repaired = list(raw) if as_written else self.repair_words(raw)
        stems = [stem(w) for w in repaired]
        tokens = self._concepts(repaired, stems)
        unknown = tuple(
            w for w, s in zip(repaired, stems, strict=True)
            if s not in self._known_stems and not w.isdigit() and self._prefixed(w) is None
        )
        return Normalised(tokens=tuple(tokens), language=language, unknown=unknown)

    def repair(self, text: str) -> tuple[str, ...]:
        """The message's words as meant: script and typos repaired, not stemmed."""
        return self._repair(text)  # replaced by a cached copy in __init__

    def _repair(self, text: str) -> tuple[str, ...]:
        return tuple(self.repair_words(self.repair_script(text)))

    def repair_words(self, raw: Sequence[str]) -> list[str]:
        """Typos repaired, and a Russian "не" typed onto its verb split off
        ("неоткрывается" -> "не открывается"): the negation is what matters most."""
        repaired: list[str] = []
        for word in raw:
            rest = word[len(_GLUED_NEGATION):]
            if (word.startswith(_GLUED_NEGATION) and len(rest) >= MIN_TYPO_LENGTH
                    and not self.is_known(word)
                    and (self.is_known(rest) or self._closest(rest) is not None)):
                repaired += [_GLUED_NEGATION, self._repair_typo(rest)]
            else:
                repaired.append(self._repair_typo(word))
        return repaired

    def is_known(self, word: str) -> bool:
        return (word in self._known_words or stem(word) in self._known_stems
                or self._prefixed(word) is not None)

    def _prefixed(self, word: str) -> str | None:
        """The concept of a word-beginning variant ("откры*") the word starts with."""
        for prefix, concept in self._prefixes.get(word[:1], ()):
            if word.startswith(prefix):
                return concept
        return None

    def repair_script(self, text: str) -> tuple[str, ...]:
        """Choose among reading the Latin text as it is, as a wrong keyboard layout, or as
        transliterated Russian: whichever explains the most words wins, ties go to as-is."""
        return self._repair_script(text)  # replaced by a cached copy in __init__

    def _repair_script(self, text: str) -> tuple[str, ...]:
        as_is = tuple(words(clean(text)))
        if (not as_is or all(is_cyrillic(w) for w in as_is)
                or _NOT_RUSSIAN_LATIN.search(text.lower())):
            return as_is
        typed = unicodedata.normalize("NFKC", text).lower()  # before clean() eats ' and `
        candidates = [
            as_is,
            tuple(words(clean(from_latin_layout(typed)))),
            tuple(transliterate(w) if not is_cyrillic(w) else w for w in as_is),
        ]
        return max(candidates, key=self._explained)  # max keeps the first on ties

    def _explained(self, candidate: tuple[str, ...]) -> int:
        """Words of two letters or more that we know: a one-letter word explains nothing
        ("b" read on the Russian layout is "и")."""
        return sum(1 for w in candidate
                   if len(w) > 1 and (self.is_known(w) or self._near_known(w)))

    def _near_known(self, word: str) -> bool:
        return len(word) >= MIN_TYPO_LENGTH + 1 and self._closest(word) is not None

    def _repair_typo(self, word: str) -> str:
        if word.isdigit() or self.is_known(word):
            return word
        if len(word) < MIN_TYPO_LENGTH:  # only the swap: "teh" -> "the", "nto" -> "not"
            return self._swapped(word) or word
        return self._closest(word) or word

    def _swapped(self, word: str) -> str | None:
        """A known word with two neighbouring letters swapped back ("opne" -> "open")."""
        for i in range(len(word) - 1):
            swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
            if swapped in self._known_words:
                return swapped
        return None

    def _closest(self, word: str) -> str | None:
        return self._closest_word(word)  # replaced by a cached copy in __init__

    def _closest_word(self, word: str) -> str | None:
        swapped = self._swapped(word)
        if swapped is not None:
            return swapped
        candidates = [w for size in range(len(word) - MAX_TYPO_LENGTH_CHANGE,
                                          len(word) + MAX_TYPO_LENGTH_CHANGE + 1)
                      for w in self._vocabulary.get((word[0], size), ())]
        found = process.extractOne(word, candidates, scorer=fuzz.ratio,
                                   score_cutoff=TYPO_SCORE_CUTOFF)
        return found[0] if found else None

    def _concepts(self, spelled: list[str], stems: list[str]) -> list[str]:
        """Greedy longest match of synonym and stop phrases (at each length an exact spelling
        before a stem, a word beginning last), then stop words out."""
        tokens: list[str] = []
        index = 0
        while index < len(stems):
            for length in range(min(self._longest_phrase, len(stems) - index), 0, -1):
                end = index + length
                concept = self._by_spelling.get(tuple(spelled[index:end]))
                if concept is None:
                    concept = self._by_stem.get(tuple(stems[index:end]))
                if concept is None and length == 1:
                    concept = self._prefixed(spelled[index])
                if concept is not None:
                    if concept != _DROP:
                        tokens.append(concept)
                    index = end
                    break
            else:
                if stems[index] not in self._stop_stems:
                    tokens.append(stems[index])
                index += 1
        return tokens
