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

The features are this module's own (`features`), used both when training and here, so the two
can never disagree: each word's character n-grams (2 to 5, with the word's edges marked, as
scikit-learn's char_wb), the words and word pairs, and marks a message carries besides words
("?", emoji). Weighting is TF-IDF with sublinear counts and an L2 norm; the classifier a
logistic regression (softmax over the classes, or one sigmoid for two).
"""

from __future__ import annotations

import base64
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

FORMAT = 1
CHAR_SIZES = range(2, 6)
WEIGHT_SCALE = 1000  # weights are stored as integers in thousandths
_QUESTION_MARK = "m ?"
SHUT_IN, NOT_SHUT_IN = "shut_in", "not_shut_in"  # the emergency classifier's two classes


def features(words: Sequence[str], text: str) -> Counter[str]:
    """What the classifier sees of a message: `words` as read (script and typos repaired),
    `text` as typed, for the marks that are not words."""
    found: Counter[str] = Counter()
    for word in words:
        found["w " + word] += 1
        edged = f" {word} "
        for size in CHAR_SIZES:
            if size > len(edged):
                break
            for start in range(len(edged) - size + 1):
                found["c " + edged[start:start + size]] += 1
    for first, second in itertools.pairwise(words):
        found[f"b {first} {second}"] += 1
    if "?" in text:
        found[_QUESTION_MARK] += 1
    for char in text:
        if unicodedata.category(char) == "So":  # emoji and other pictographs
            found["e " + char] += 1
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
    """A trained classifier: the vocabulary with its IDF weights, and per feature one weight
    per class (for two classes, one weight: the second class's log-odds)."""

    def __init__(self, classes: Sequence[str], vocabulary: Mapping[str, int],
                 idf: Sequence[float], weights: array[int], intercepts: Sequence[float],
                 trained_on: str) -> None:
        self.classes = tuple(classes)
        self.trained_on = trained_on  # digest of the examples (training.examples_digest)
        self._vocabulary = vocabulary
        self._idf = idf
        self._weights = weights  # feature-major: row i holds feature i's weight per output
        self._intercepts = tuple(intercepts)
        self._outputs = len(self._intercepts)

    def predict(self, found: Mapping[str, int]) -> Prediction:
        vocabulary, idf, outputs, weights = (self._vocabulary, self._idf, self._outputs,
                                             self._weights)
        present = [(vocabulary[name], (1.0 + math.log(count)) * idf[vocabulary[name]])
                   for name, count in found.items() if name in vocabulary]
        norm = math.sqrt(sum(value * value for _, value in present)) or 1.0
        scores = [0.0] * outputs
        for index, value in present:
            row = weights[index * outputs:(index + 1) * outputs]
            scores = [score + value * weight for score, weight in zip(scores, row, strict=True)]
        scores = [b + s / (norm * WEIGHT_SCALE) for b, s in zip(self._intercepts, scores,
                                                                   strict=True)]
        if outputs == 1:  # two classes: a sigmoid of the second's log-odds
            second = 1.0 / (1.0 + math.exp(-scores[0]))
            probabilities = [1.0 - second, second]
        else:
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            total = sum(exps)
            probabilities = [e / total for e in exps]
        ranked = sorted(zip(self.classes, probabilities, strict=True), key=lambda p: -p[1])
        return Prediction(tuple(ranked))

    # -- the file ------------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        document = {
            "format": FORMAT, "classes": list(self.classes), "trained_on": self.trained_on,
            "features": sorted(self._vocabulary, key=self._vocabulary.__getitem__),
            "idf": [round(v, 5) for v in self._idf], "intercepts": list(self._intercepts),
            "weights": base64.b64encode(_little_endian(self._weights).tobytes()).decode("ascii"),
        }
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearModel:
        document = json.loads(gzip.decompress(data))
        if document.get("format") != FORMAT:
            raise ValueError(f"model format {document.get('format')!r}, expected {FORMAT}")
        weights = array("h")
        weights.frombytes(base64.b64decode(document["weights"]))
        weights = _little_endian(weights)  # stored little-endian: swapping is its own inverse
        features_ = document["features"]
        return cls(document["classes"], {name: i for i, name in enumerate(features_)},
                   tuple(document["idf"]), weights, document["intercepts"],
                   document["trained_on"])

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        return cls.from_bytes(path.read_bytes())


def _little_endian(weights: array[int]) -> array[int]:
    if sys.byteorder == "little":
        return weights
    swapped = array("h", weights)
    swapped.byteswap()
    return swapped
