"""The learned classifiers (bot/matching/learned.py): trained on today's examples, applied
exactly as scikit-learn fitted them, and kept whole in their files."""

from __future__ import annotations

import math

import pytest

from bot.cli.startup import Loaded
from bot.matching.learned import LinearModel, Message
from bot.matching.reader import message_features
from bot.matching.training import EXAMPLES, design, fit, stale_models

TOY = [("boot wont open", "stuck"), ("tailgate stuck shut", "stuck"),
       ("trunk will not open", "stuck"), ("boot is stuck", "stuck"), ("thanks mate", "thanks"),
       ("cheers thanks", "thanks"), ("thank you so much", "thanks"), ("thanks a lot", "thanks"),
       ("where is the fuse", "fuse"), ("which fuse is it", "fuse"), ("the fuse box", "fuse"),
       ("fuse for the boot", "fuse")]


def test_the_shipped_classifiers_were_trained_on_todays_examples(loaded: Loaded) -> None:
    """An edit to knowledge/examples (or to how a message is read) without `bot train`
    fails here and in `bot check`, instead of shipping a model that learned something else."""
    assert set(loaded.knowledge.models) == set(EXAMPLES)
    assert stale_models(loaded.knowledge, loaded.conversation.matcher.normaliser) == []


def test_a_model_is_applied_as_scikit_learn_fitted_it(loaded: Loaded) -> None:
    from sklearn.linear_model import LogisticRegression

    prepare = message_features(loaded.conversation.matcher.normaliser)
    model = fit(TOY, prepare, prune_below=0.0)
    reference = LogisticRegression(C=10.0, max_iter=5000).fit(
        design(TOY, prepare).matrix, [label for _, label in TOY])
    probabilities = reference.predict_proba(design(TOY, prepare).matrix)
    for (text, _), expected in zip(TOY, probabilities, strict=True):
        got = model.predict(prepare(text))
        for label, p in zip(reference.classes_, expected, strict=True):
            assert math.isclose(got.of(str(label)), p, abs_tol=2e-3), (text, label)


def test_a_model_is_the_same_after_its_file(loaded: Loaded) -> None:
    prepare = message_features(loaded.conversation.matcher.normaliser)
    model = fit(TOY, prepare)
    again = LinearModel.from_bytes(model.to_bytes())
    for text in ("boot stuck again", "thanks!!", "fuse?", "something else 😀"):
        assert again.predict(prepare(text)) == model.predict(prepare(text))
    assert again.trained_on == model.trained_on


@pytest.mark.parametrize("text", ["", "!!!", "😀😀"])
def test_a_message_without_words_still_gets_a_prediction(loaded: Loaded, text: str) -> None:
    model = LinearModel.from_bytes(loaded.knowledge.models["acts"])
    prepare = message_features(loaded.conversation.matcher.normaliser)
    message = prepare(text)
    assert isinstance(message, Message)
    prediction = model.predict(message)
    assert math.isclose(sum(p for _, p in prediction.ranked), 1.0, abs_tol=1e-9)
