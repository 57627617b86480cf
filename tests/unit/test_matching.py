"""The free-text matcher as an owner meets it: the right entry is answered, a vague question gets
"did you mean", a question about something else is declined.

The questions here are written for these tests from the seed article and tests/data/TOPICS.md;
none is copied from tests/data/dev.yaml or tests/data/heldout.yaml.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.startup import Loaded
from bot.evaluation.questions import evaluate, read_questions
from bot.knowledge import Generation, Knowledge
from bot.matching import Matcher, MatchResult, Outcome

DATA = Path(__file__).parents[1] / "data"
DEV = DATA / "dev.yaml"
# Floors a little under today's figures (python -m bot eval FILE): a change that costs
# accuracy fails here. (top-1 en, top-1 ru, rejection.) Since issue 16 the question classifier
# learns from every set but heldout-5 and heldout-6, so theirs are the figures that say how well
# it understands questions it never saw; the others guard against forgetting what it was taught.
FLOORS = {
    "dev.yaml": (0.97, 0.97, 0.97),
    "dev-more.yaml": (0.95, 0.95, 0.97),
    "dev-3.yaml": (0.93, 0.95, 0.97),
    "dev-4.yaml": (0.92, 0.95, 0.97),
    "heldout.yaml": (0.95, 0.95, 0.97),
    "heldout-2.yaml": (0.95, 0.95, 0.97),
    "heldout-3.yaml": (0.95, 0.95, 0.97),
    "heldout-4.yaml": (0.95, 0.95, 0.93),
    "heldout-5.yaml": (0.90, 0.93, 0.95),  # measured only: its misses never read
    "heldout-7.yaml": (0.88, 0.93, 0.95),  # read at issue 16's close; not learned from
}


@pytest.fixture(scope="session")
def matcher(loaded: Loaded) -> Matcher:
    return loaded.matcher


def answered(matcher: Matcher, question: str) -> str | None:
    return matcher.match(question).answer_id


def explain(result: MatchResult) -> str:
    ranked = ", ".join(f"{m.entry_id} {m.score:.2f}" for m in result.matches[:3])
    return f"{result.query!r}: {result.outcome} ({ranked})"


def assert_answers(matcher: Matcher, question: str, *expected: str) -> MatchResult:
    result = matcher.match(question)
    assert result.outcome is Outcome.ANSWER and result.answer_id in expected, explain(result)
    return result


def assert_not_answered(matcher: Matcher, question: str) -> MatchResult:
    result = matcher.match(question)
    assert result.answer_id is None, explain(result)
    return result


# -- the three outcomes --------------------------------------------------------------------------


def test_a_clear_question_is_answered(matcher: Matcher) -> None:
    result = assert_answers(matcher, "boot won't open", "trunk-wont-open")
    assert result.suggestions == ()
    assert result.matches[0].score > result.matches[1].score


@pytest.mark.parametrize("question", ["boot problem", "boot question", "key trouble",
                                      "trunk problem", "проблема с багажником"])
def test_a_vague_question_gets_did_you_mean(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.outcome is Outcome.CLOSE_CALL, explain(result)
    assert result.answer_id is None
    assert 1 <= len(result.suggestions) <= 3


@pytest.mark.parametrize("question", ["what's the weather like tomorrow", "tell me about pizza",
                                      "какой фильм посмотреть", "", "?!", "🙂",
                                      "whats the best pizza place near me"])
def test_an_unrelated_question_is_declined(matcher: Matcher, question: str) -> None:
    result = matcher.match(question)
    assert result.outcome is Outcome.UNRELATED, explain(result)
    assert result.answer_id is None and result.suggestions == ()


# -- what owners type ----------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "entry"), [
    ("багажнику не открыться", "trunk-wont-open"),
    ("открываю багажник брелоком", "key-fob"),
    ("крышку багажника не закрыть до конца", "faq-wont-close"),
    ("смазываю замок багажника чем", "maintenance"),
    ("откроется ли багажник на ходу", "safety-lock"),
    ("электропривода багажника не слышно, сгорел?", "power-failure"),
])
def test_russian_inflected_forms(matcher: Matcher, question: str, entry: str) -> None:
    assert_answers(matcher, question, entry)


@pytest.mark.parametrize(("question", "entries"), [
    ("пятая дверь не открывается", ("trunk-wont-open",)),
    ("крышка не открывается", ("trunk-wont-open",)),
    ("ляда не закрывается", ("faq-wont-close",)),
    ("брелок не открывает багажник", ("key-fob",)),
    ("ключом открыть багажник", ("key-fob",)),
    ("как открыть багажник ножкой", ("hands-free",)),
    ("датчик ноги не срабатывает", ("faq-smart-pedal", "hands-free")),
])
def test_russian_colloquial_words(matcher: Matcher, question: str,
                                  entries: tuple[str, ...]) -> None:
    assert_answers(matcher, question, *entries)


@pytest.mark.parametrize(("question", "entries"), [
    ("bagazhnik ne otkryvaetsya", ("trunk-wont-open",)),
    ("kak otkryt lyadu nogoj", ("hands-free",)),
    ("knopka bagazhnika ne rabotaet", ("lid-button", "trunk-wont-open")),
])
def test_transliterated_russian(matcher: Matcher, question: str, entries: tuple[str, ...]) -> None:
    result = assert_answers(matcher, question, *entries)
    assert result.language == "ru"


@pytest.mark.parametrize(("question", "entry"), [
    (",fuf;ybr yt jnrhsdftncz", "trunk-wont-open"),  # багажник не открывается
    ("rfr jnrhsnm ,fuf;ybr yjujq", "hands-free"),  # как открыть багажник ногой
])
def test_russian_typed_on_the_latin_layout(matcher: Matcher, question: str, entry: str) -> None:
    result = assert_answers(matcher, question, entry)
    assert result.language == "ru"


def test_yo_and_ye_are_the_same(matcher: Matcher) -> None:
    with_yo = assert_answers(matcher, "защёлка багажника не защёлкивается", "faq-wont-close")
    with_ye = matcher.match("защелка багажника не защелкивается")
    assert with_ye.answer_id == with_yo.answer_id and with_ye.matches == with_yo.matches


@pytest.mark.parametrize(("question", "entries"), [
    ("trnuk wont opne", ("trunk-wont-open",)),
    ("tailgait is stuk", ("trunk-wont-open",)),
    ("kick sensr not wroking", ("faq-smart-pedal", "hands-free")),
    ("whcih battery for the key fob", ("faq-fob-battery",)),
    ("trunk wnt opn", ("trunk-wont-open",)),
])
def test_english_typos(matcher: Matcher, question: str, entries: tuple[str, ...]) -> None:
    assert_answers(matcher, question, *entries)


@pytest.mark.parametrize(("without", "with_"), [
    ("boot wont open", "boot won't open"),
    ("tailgate doesnt close", "tailgate doesn't close"),
    ("why cant i open the boot while driving", "why can't i open the boot while driving"),
])
def test_missing_apostrophes(matcher: Matcher, without: str, with_: str) -> None:
    assert matcher.match(without).answer_id is not None
    assert matcher.match(without).answer_id == matcher.match(with_).answer_id


@pytest.mark.parametrize(("british", "american", "entry"), [
    ("boot won't open", "trunk won't open", "trunk-wont-open"),
    ("tailgate won't shut", "liftgate won't close", "faq-wont-close"),
    ("open the boot with the key fob", "open the trunk with the remote", "key-fob"),
])
def test_british_and_american_words(matcher: Matcher, british: str, american: str,
                                    entry: str) -> None:
    assert_answers(matcher, british, entry)
    assert_answers(matcher, american, entry)


@pytest.mark.parametrize(("question", "entries"), [
    ("hey so my boot wont open at all what do i do now", ("trunk-wont-open",)),
    ("ok so the tailgate opens fine but then it wont shut what do i do", ("faq-wont-close",)),
    ("um how do i switch off the kick sensor thing in the settings", ("hands-free",)),
    ("короче багажник не открывается что делать", ("trunk-wont-open",)),
])
def test_voice_dictation_without_punctuation(matcher: Matcher, question: str,
                                             entries: tuple[str, ...]) -> None:
    assert_answers(matcher, question, *entries)


@pytest.mark.parametrize(("question", "generation", "entries"), [
    ("my 2016 qashqai j11 boot wont open", Generation.J11, ("trunk-wont-open",)),
    ("2019 qashqai smart pedal not working", Generation.J11, ("faq-smart-pedal", "hands-free")),
    ("j12 how do i turn on the kick to open", Generation.J12, ("hands-free",)),
    ("кашкай 2010 года не закрывается багажник", Generation.J10, ("faq-wont-close",)),
])
def test_a_year_or_generation_names_the_car(matcher: Matcher, question: str,
                                            generation: Generation,
                                            entries: tuple[str, ...]) -> None:
    result = assert_answers(matcher, question, *entries)
    assert result.generation is generation


def test_a_question_about_generations_still_finds_them(matcher: Matcher) -> None:
    result = assert_answers(matcher, "difference between j11 and j12 tailgate", "generations")
    assert result.generation is None, "two generations compared say nothing of the owner's car"
    result = assert_answers(matcher, "J12 tailgate features", "generations")
    assert result.generation is Generation.J12


@pytest.mark.parametrize("question", [
    "how do i open the bonnet", "hood release lever", "pop the hood",
    "fuel flap won't open", "where is the fuel cap release", "best oil for the engine",
    "how to check the oil", "tyre pressure for the j11", "tire keeps losing air",
    "как открыть капот", "не открывается лючок бензобака", "какое масло залить",
    "давление в шинах",
])
def test_other_parts_of_the_car_never_get_a_trunk_answer(matcher: Matcher, question: str) -> None:
    assert_not_answered(matcher, question)


@pytest.mark.parametrize("question", [
    "boot light not working", "boot capacity in litres", "spare tyre in the boot",
    "how to set the clock", "reversing camera not working", "how to turn on cruise control",
    "сколько литров в багажнике", "не работает подсветка багажника",
])
def test_a_trunk_word_alone_does_not_make_it_a_trunk_question(matcher: Matcher,
                                                              question: str) -> None:
    assert_not_answered(matcher, question)


# -- words with two senses, and scoring that once over-rewarded short phrasings -------------------


@pytest.mark.parametrize(("question", "entry"), [
    ("boot locked while i was driving", "safety-lock"),  # locked: a state, not the latch
    ("grease for the boot latch", "maintenance"),  # latch: the lock mechanism
    ("left my keys inside the boot", "interior-release"),  # locked in: trapped, not a safety lock
    ("is there any way to open the tailgate with a flat car battery", "faq-dead-battery"),
    ("how many ways are there to open the tailgate", "overview"),  # ways: the list of ways
    ("the switch on the tailgate does nothing", "lid-button"),  # a switch, not "switch on"
    # «аварийка» is the hazard lights to most owners, not the inside release (issue 17)
    ("аварийка мигает, багажник не открывается", "trunk-wont-open"),
    ("где аварийный рычаг багажника", "interior-release"),
])
def test_words_with_two_senses(matcher: Matcher, question: str, entry: str) -> None:
    assert_answers(matcher, question, entry)


def test_a_specific_question_beats_a_generic_phrasing_it_contains(matcher: Matcher) -> None:
    # "boot won't open" is contained in it: a subset must not count as a perfect match
    assert_answers(matcher, "why doesnt my foot sensor open the boot", "faq-smart-pedal",
                   "hands-free")
    assert_answers(matcher, "child lock stops the tailgate opening", "safety-lock")


def test_a_long_rambling_question_is_still_understood(matcher: Matcher) -> None:
    assert_answers(
        matcher,
        "so basically we picked up the car last week and honestly none of us can figure out "
        "how you are supposed to open the tailgate on this thing lol",
        "overview", "lid-button",
    )


# -- guards ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_accuracy_holds_on_every_question_set(loaded: Loaded, name: str) -> None:
    english, russian, rejection = FLOORS[name]
    report = evaluate(loaded.reader, read_questions(DATA / name))
    assert report.top1("en") >= english, report.misses
    assert report.top1("ru") >= russian, report.misses
    assert report.rejection >= rejection, report.misses


def test_every_generation_can_be_named_in_a_question(knowledge: Knowledge) -> None:
    assert set(knowledge.concept_roles.generations.values()) == set(Generation)


def test_every_entry_can_be_reached_by_its_own_title(matcher: Matcher,
                                                     knowledge: Knowledge) -> None:
    """Emergencies are reached by their rules (test_people.py), not by word overlap."""
    rule_only = {u.entry for u in knowledge.intents.urgent.values() if u.emergency}
    for entry in knowledge.entries.values():
        if entry.id in rule_only:
            continue
        for language in ("en", "ru"):
            result = matcher.match(entry.title.in_(language))
            assert entry.id in [m.entry_id for m in result.matches[:3]], explain(result)


@pytest.mark.parametrize("question", [
    "could the boot have been locked from the inside? the wife may have pressed something",
    "может быть жена нажала что-то и багажник заблокирован изнутри?",
])
def test_a_guess_is_not_a_report_of_ways_tried(loaded: Loaded, question: str) -> None:
    """"may have pressed" wonders what happened: the answer, not a run past those ways."""
    reading = loaded.reader.read(question)
    assert reading.tried == () and reading.answer_id == "safety-lock"


@pytest.mark.parametrize("question", ["central locking not working on any of the doors",
                                      "не работает центральный замок"])
def test_central_locking_without_the_boot_is_not_answered(matcher: Matcher,
                                                          question: str) -> None:
    """Central locking names no part of the boot: at most "did you mean" (with the boot it
    is answered: knowledge/entries/safety-lock.yaml)."""
    assert matcher.match(question).answer_id is None


@pytest.mark.parametrize(("question", "entry"), [
    # the doors unlock, the boot does not: unlocking first is done, so the run
    ("central locking works on all the doors but the boot stays locked", "trunk-wont-open"),
    ("центральный замок двери открывает а багажник нет", "trunk-wont-open"),
    ("tailgate motor does nothing no click at all and the dash lights are dim",
     "power-failure"),
    ("как открыть багаж изнутри салона", "interior-release"),
    ("key battery size nissan qashqai j11", "faq-fob-battery"),
    ("есть ли детская блокировка на багажнике кашкая", "safety-lock"),
])
def test_what_fresh_question_sets_taught(loaded: Loaded, question: str, entry: str) -> None:
    assert loaded.reader.read(question).answer_id == entry


@pytest.mark.parametrize("question", ["best pizza near me open now", "how do i reset my iphone",
                                      "коврик в багажник кашкай j11 где купить",
                                      "стеклоподъемник задней двери не работает"])
def test_near_domain_and_other_things_are_not_answered(loaded: Loaded, question: str) -> None:
    assert loaded.reader.read(question).answer_id is None
