"""Linear text classifiers learned from labelled examples, applied in pure Python.

Why learned: lists of phrases understand what their authors foresaw; owners type the next thing
("found the pad, pressed it, nada"). A classifier over character n-grams and words, trained on
a large, varied bank of examples (knowledge/examples/), generalises to wordings nobody wrote
down, typos and slang included, because it weighs pieces of words rather than whole phrases.

Why offline: scikit-learn fits the model (`python -m bot train`, bot/matching/training.py) and
the weights ship as a small file (knowledge/models/). Here they are only applied: a dictionary
look-up per feature and a weighted sum per class, so neither scikit-learn nor NumPy is loaded
at run time (start-up, memory), and a file records the digest of the examples it was trained
on, so `bot check` can tell when it is stale.

The features are this module's own, used both when training and here, so the two can never
disagree. A message is read in parts: each word (the word, and its character n-grams of 2 to
5 with its edges marked, as scikit-learn's char_wb), and the message's own features (word
pairs, and marks besides words: "?", emoji). A feature's value is its count times its IDF, and
the message is scaled to unit length with the parts' lengths added up (a word's n-grams are
counted within the word). Both keep the score a sum over the parts, so what a word adds is
worked out once and kept (most messages reuse the same few hundred words): applying a model
costs one addition per class per word. The classifier is a logistic regression (softmax over
the classes, or one sigmoid for two).
"""

from __future__ import annotations

import base64
import functools
import gzip
import itertools
import json
import math
import sys
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

FORMAT = 3
WORDS_KEPT = 4096  # words whose contributions a model keeps: a bound on its memory
# Feature name -> its id, for every model loaded: they read the same features (memory).
_SHARED: dict[str, int] = {}
CHAR_SIZES = range(2, 6)
WEIGHT_SCALE = 1000  # weights are stored as integers in thousandths
_QUESTION_MARK = "m ?"
SHUT_IN, NOT_SHUT_IN = "shut_in", "not_shut_in"  # the emergency classifier's two classes


@dataclass(frozen=True)
class Message:
    """A message as the classifiers read it: its words (script and typos repaired), and the
    features of the message itself (word pairs, marks)."""

    words: tuple[str, ...]
    own: tuple[str, ...]

    @classmethod
    def read(cls, words: Sequence[str], text: str) -> Message:
        """`words` as read, `text` as typed, for the marks that are not words."""
        own = [f"b {first} {second}" for first, second in itertools.pairwise(words)]
        if "?" in text:
            own.append(_QUESTION_MARK)
        own += ["e " + char for char in text if unicodedata.category(char) == "So"]  # emoji
        return cls(tuple(words), tuple(own))

    def parts(self) -> list[Counter[str]]:
        """Each word's features, then each of the message's own: the parts a score adds up."""
        return [word_features(w) for w in self.words] + [Counter((f,)) for f in self.own]

    def __bool__(self) -> bool:
        return bool(self.words or self.own)


@functools.lru_cache(maxsize=16384)
def word_features(word: str) -> Counter[str]:
    """A word's own features: the word, and its character n-grams with its edges marked."""
    found: Counter[str] = Counter({"w " + word: 1})
    edged = f" {word} "
    for size in CHAR_SIZES:
        if size > len(edged):
            break
        for start in range(len(edged) - size + 1):
            found["c " + edged[start:start + size]] += 1
    return found


@dataclass(frozen=True)
class Prediction:
    """Each class's probability, best first."""

    ranked: tuple[tuple[str, float], ...]

    @property
    def best(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]

    def of(self, label: str) -> float:
        return next((p for name, p in self.ranked if name == label), 0.0)

    def total(self, labels: Iterable[str]) -> float:
        wanted = set(labels)
        return sum(p for name, p in self.ranked if name in wanted)


class LinearModel:
    """A trained classifier: the vocabulary with its IDF weights, and per feature its weights
    for the few outputs it moves (one per class; for two classes one: the second's log-odds).

    Sparse because cheap: a feature's weights are shifted to centre on zero (the softmax does
    not change when every class gets the same shift) and the smallest are dropped when
    training, so a feature moves about four of two dozen classes rather than all of them."""

    def __init__(self, classes: Sequence[str], vocabulary: Mapping[str, int],
                 idf: Sequence[float], offsets: array[int], outputs: array[int],
                 weights: array[int], intercepts: Sequence[float], trained_on: str) -> None:
        self.classes = tuple(classes)
        self.trained_on = trained_on  # digest of the examples (training.examples_digest)
        names = sorted(vocabulary, key=vocabulary.__getitem__)  # by local index
        # the models share one dictionary of feature names (_SHARED): each keeps only which
        # of them it knows, by the shared id (its names, for to_bytes), and its own index for
        # each, rather than its own copies of the names
        self._ids = array("i", [_SHARED.setdefault(name, len(_SHARED)) for name in names])
        self._local = array("i", [-1]) * (max(self._ids, default=-1) + 1)
        for index, shared in enumerate(self._ids):
            self._local[shared] = index
        self._idf = array("d", idf)
        self._offsets = offsets  # feature i's weights are [offsets[i], offsets[i + 1])
        self._outputs = outputs
        self._weights = array("f", (w / WEIGHT_SCALE for w in weights))
        self._intercepts = tuple(intercepts)
        self._words: dict[str, tuple[list[float], float]] = {}  # see _word

    def _index(self, name: str) -> int:
        """The feature's index in this model, or -1."""
        shared = _SHARED.get(name)
        local = self._local
        return local[shared] if shared is not None and shared < len(local) else -1

    def predict(self, message: Message) -> Prediction:
        scores, length = list(self._intercepts), 0.0
        outputs = range(len(scores))
        total = [0.0] * len(scores)
        for word in message.words:
            word_scores, word_length = self._word(word)
            total = [t + w for t, w in zip(total, word_scores, strict=True)]
            length += word_length
        for feature in message.own:
            index = self._index(feature)
            if index >= 0:
                value = self._idf[index]
                length += value * value
                for at in range(self._offsets[index], self._offsets[index + 1]):
                    total[self._outputs[at]] += value * self._weights[at]
        norm = math.sqrt(length) or 1.0
        scores = [scores[k] + total[k] / norm for k in outputs]
        if len(scores) == 1:  # two classes: a sigmoid of the second's log-odds
            second = 1.0 / (1.0 + math.exp(-scores[0]))
            probabilities = [1.0 - second, second]
        else:
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            probabilities = [e / sum(exps) for e in exps]
        ranked = sorted(zip(self.classes, probabilities, strict=True), key=lambda p: -p[1])
        return Prediction(tuple(ranked))

    def _word(self, word: str) -> tuple[list[float], float]:
        """What a word adds to each class's score, before scaling, and to the squared length:
        worked out once per word and kept."""
        known = self._words.get(word)
        if known is not None:
            return known
        total, length = [0.0] * len(self._intercepts), 0.0
        idf, offsets, outputs, weights = self._idf, self._offsets, self._outputs, self._weights
        for feature, count in word_features(word).items():
            index = self._index(feature)
            if index < 0:
                continue
            value = count * idf[index]
            length += value * value
            for at in range(offsets[index], offsets[index + 1]):
                total[outputs[at]] += value * weights[at]
        if len(self._words) >= WORDS_KEPT:
            self._words.clear()  # a flood of made-up words: start again rather than grow
        self._words[word] = (total, length)
        return total, length

    # -- the file ------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        def packed(values: array[int]) -> str:
            return base64.b64encode(_little_endian(values).tobytes()).decode("ascii")

        weights = array("h", (round(w * WEIGHT_SCALE) for w in self._weights))
        document = {
            "format": FORMAT, "classes": list(self.classes), "trained_on": self.trained_on,
            "features": _names_of(self._ids),
            "idf": list(self._idf), "intercepts": list(self._intercepts),
            "offsets": packed(self._offsets), "outputs": packed(self._outputs),
            "weights": packed(weights),
        }
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearModel:
        document = json.loads(gzip.decompress(data))
        if document.get("format") != FORMAT:
            raise ValueError(f"model format {document.get('format')!r}, expected {FORMAT}")

        def unpacked(typecode: str, name: str) -> array[int]:
            values = array(typecode)
            values.frombytes(base64.b64decode(document[name]))
            return _little_endian(values)  # stored little-endian: swapping is its own inverse

        names = document["features"]
        return cls(document["classes"], {name: i for i, name in enumerate(names)},
                   array("d", document["idf"]), unpacked("I", "offsets"),
                   unpacked("B", "outputs"), unpacked("h", "weights"),
                   document["intercepts"], document["trained_on"])

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        return cls.from_bytes(path.read_bytes())


def _names_of(ids: array[int]) -> list[str]:
    by_id = {shared: name for name, shared in _SHARED.items()}
    return [by_id[shared] for shared in ids]


def _little_endian(values: array[int]) -> array[int]:
    if sys.byteorder == "little" or values.itemsize == 1:
        return values
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped
