"""Fits the learned classifiers (bot/matching/learned.py) with scikit-learn: `python -m bot
train`. Only this module imports scikit-learn and NumPy, and only this command loads it, so
they are development tools (the `train` extra), not something the bot needs to run.

Why logistic regression on TF-IDF features: on short messages it is the standard, strong
baseline; it generalises from pieces of words, gives calibrated probabilities that a screen can
add up per meaning ("nope" is both "no" and "failed"), and its weights are a small table that
pure Python applies with one addition per class per word (bot/matching/learned.py).
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge import LANGUAGES, Act, Knowledge
from bot.matching.learned import NOT_SHUT_IN, SHUT_IN, WEIGHT_SCALE, LinearModel, Message
from bot.matching.matcher import Matcher
from bot.matching.normalise import Normaliser
from bot.matching.reader import LANGUAGE_REQUEST, message_features

Example = tuple[str, str]  # (text, label)
MIN_DOCUMENTS = 2  # a feature seen in one example only says nothing general
# A feature's weights under this (after centring) are left out: it then moves about four of
# two dozen classes, and applying a model costs a fifth. Chosen on sets held out of training.
PRUNE_BELOW = 0.1
# scikit-learn's C per classifier: chosen by scores on sets held out from training
REGULARISATION = {"acts": 10.0, "entries": 10.0, "emergency": 10.0, "talk": 10.0}


def examples_digest(examples: Sequence[Example], prepare: Callable[[str], Message]) -> str:
    """What a model depends on: the examples and how each is read (the features), so a change
    to either, knowledge or code, makes the stored model stale."""
    digest = hashlib.sha256()
    for text, label in sorted(examples):
        message = prepare(text)
        digest.update(json.dumps([label, message.words, message.own],
                                 ensure_ascii=False).encode("utf-8"))
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Design:
    """The examples as the classifier learns them: one row a message, weighted exactly as
    LinearModel.predict weighs it (count x IDF, the parts' lengths added up)."""

    matrix: Any  # scipy.sparse.csr_matrix, (examples, features)
    names: list[str]  # the features kept, in column order
    idf: list[float]


def design(examples: Sequence[Example], prepare: Callable[[str], Message]) -> Design:
    from scipy.sparse import csr_matrix

    parted = [prepare(text).parts() for text, _ in examples]
    documents = Counter(name for parts in parted for name in set().union(*parts))
    names = sorted(name for name, n in documents.items() if n >= MIN_DOCUMENTS)
    index = {name: i for i, name in enumerate(names)}
    # scikit-learn's smoothed IDF, as TfidfTransformer's
    idf = [math.log((1 + len(examples)) / (1 + documents[name])) + 1 for name in names]
    data, columns, pointers = [], [], [0]
    for parts in parted:
        values: dict[int, float] = {}
        length = 0.0
        for part in parts:
            for name, count in part.items():
                column = index.get(name)
                if column is not None:
                    value = count * idf[column]
                    length += value * value
                    values[column] = values.get(column, 0.0) + value
        norm = math.sqrt(length) or 1.0
        columns += list(values)
        data += [v / norm for v in values.values()]
        pointers.append(len(columns))
    return Design(csr_matrix((data, columns, pointers), shape=(len(parted), len(names))),
                  names, idf)


def fit(examples: Sequence[Example], prepare: Callable[[str], Message], *,
        regularisation: float = 10.0, prune_below: float | None = None) -> LinearModel:
    """A LinearModel for these (text, label) examples; `regularisation` is scikit-learn's C."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    designed = design(examples, prepare)
    classifier = LogisticRegression(C=regularisation, max_iter=5000)
    classifier.fit(designed.matrix, [label for _, label in examples])
    coefficients = classifier.coef_  # (outputs, features)
    if coefficients.shape[0] > 1:  # softmax: the same shift for every class changes nothing
        coefficients = coefficients - np.median(coefficients, axis=0, keepdims=True)
    prune = PRUNE_BELOW if prune_below is None else prune_below
    offsets, outputs, weights = array("I", [0]), array("B"), array("h")
    for i in range(len(designed.names)):
        for output, weight in enumerate(coefficients[:, i]):
            if abs(weight) >= prune:
                outputs.append(output)
                weights.append(max(-32767, min(32767, round(float(weight) * WEIGHT_SCALE))))
        offsets.append(len(outputs))
    return LinearModel([str(c) for c in classifier.classes_],
                       {name: i for i, name in enumerate(designed.names)}, designed.idf,
                       offsets, outputs, weights, [float(b) for b in classifier.intercept_],
                       examples_digest(examples, prepare))


# -- the bot's three classifiers -------------------------------------------------------------

def act_examples(knowledge: Knowledge) -> list[Example]:
    """The act bank, the walk's own phrases (knowledge/intents.yaml) under their acts, and every
    entry's phrasings as questions: a new question is what a reply on screen is not."""
    examples = [(text, act.value) for act, texts in knowledge.examples.acts.items()
                for text in texts]
    intents = knowledge.intents
    for meanings in (intents.walk, intents.answers):
        for meaning, phrases in meanings.items():
            examples += [(text, meaning) for text in phrases.every]
    for phrases in intents.small_talk.values():
        examples += [(text, Act.SMALL_TALK.value) for text in phrases.every]
    for entry in knowledge.entries.values():
        examples += [(text, Act.QUESTION.value) for text in entry.phrasings.every]
    return examples


def entry_examples(knowledge: Knowledge) -> list[Example]:
    """Each entry's title and phrasings, and the labelled questions (knowledge/examples/)."""
    examples = []
    for entry in knowledge.entries.values():
        examples += [(entry.title.in_(language), entry.id) for language in LANGUAGES]
        examples += [(text, entry.id) for text in entry.phrasings.every]
    examples += [(text, label) for label, texts in knowledge.examples.questions.items()
                 for text in texts]
    return examples


def emergency_examples(knowledge: Knowledge) -> list[Example]:
    """Someone shut in the boot, against look-alikes and everything else people type."""
    examples = [(text, SHUT_IN) for text in knowledge.examples.shut_in]
    examples += [(text, SHUT_IN) for urgent in knowledge.intents.urgent.values()
                 if urgent.emergency for text in knowledge.entry(urgent.entry).phrasings.every]
    examples += [(text, NOT_SHUT_IN) for text in knowledge.examples.not_shut_in]
    examples += [(text, NOT_SHUT_IN) for text, _ in act_examples(knowledge)]
    emergencies = {u.entry for u in knowledge.intents.urgent.values() if u.emergency}
    examples += [(text, NOT_SHUT_IN) for text, label in entry_examples(knowledge)
                 if label not in emergencies]
    return examples


def talk_examples(knowledge: Knowledge) -> list[Example]:
    """Which small talk: greeting, thanks, ok, swearing... (knowledge/intents.yaml). A
    language asked for by name is read by its phrases, not learned."""
    return [(text, meaning) for meaning, phrases in knowledge.intents.small_talk.items()
            if not meaning.startswith(LANGUAGE_REQUEST) for text in phrases.every]


EXAMPLES: dict[str, Callable[[Knowledge], list[Example]]] = {
    "acts": act_examples, "entries": entry_examples, "emergency": emergency_examples,
    "talk": talk_examples}


def train_all(knowledge: Knowledge) -> dict[str, tuple[LinearModel, int]]:
    """Every classifier, fitted on the knowledge's examples: name -> (model, examples)."""
    prepare = message_features(Matcher(knowledge).normaliser)
    fitted = {}
    for name, examples_of in EXAMPLES.items():
        examples = examples_of(knowledge)
        fitted[name] = (fit(examples, prepare, regularisation=REGULARISATION[name]),
                        len(examples))
    return fitted


def stale_models(knowledge: Knowledge, normaliser: Normaliser) -> list[str]:
    """The models whose examples (or how they are read) changed since they were trained:
    `bot check` fails on any, so a knowledge edit never ships with a model that predates it."""
    prepare = message_features(normaliser)
    stale = []
    for name, examples_of in EXAMPLES.items():
        data = knowledge.models.get(name)
        if data is None or LinearModel.from_bytes(data).trained_on != examples_digest(
                examples_of(knowledge), prepare):
            stale.append(name)
    return stale
