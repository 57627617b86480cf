"""The drawings: every one renders in every language, legible on a phone, the bot shows them
as drawn today, and every way an editor can break one (a missing drawing, a label without a
translation, a picture pointing at a step that is not there, a label changed but not drawn
again) stops `check` with a message that says where."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.knowledge import LANGUAGES, Knowledge
from bot.knowledge.errors import KnowledgeError
from bot.pictures import Gallery
from bot.pictures.drawing import MIN_LABEL_PX, MIN_WIDTH, Drawn, draw_all, label_sizes
from tests.unit.test_knowledge_validation import KnowledgeCopy, assert_points_at, kb  # noqa: F401

PICTURES = "knowledge/pictures.yaml"


@pytest.fixture(scope="module")
def drawn(knowledge: Knowledge) -> Drawn:
    return draw_all(knowledge)


@pytest.fixture(scope="module")
def gallery(knowledge: Knowledge) -> Gallery:
    return Gallery(knowledge)


def test_the_pictures_the_issue_asks_for_are_there(knowledge: Knowledge) -> None:
    shown = {(place.entry, place.step) for picture in knowledge.pictures.values()
             for place in picture.shown_with}
    assert ("lid-button", 0) in shown  # where the opener is
    assert ("key-fob", 3) in shown  # the key blade
    assert ("hands-free", 2) in shown  # the kick zone
    assert ("interior-release", 0) in shown and ("interior-release", 4) in shown
    assert ("power-failure", 3) in shown  # jump-start clamp order
    assert ("power-failure", 5) in shown  # fuse boxes


def test_every_picture_renders_in_every_language_wide_enough_for_a_phone(
        drawn: Drawn, knowledge: Knowledge) -> None:
    assert len(drawn.renderings) == len(knowledge.pictures) * len(LANGUAGES)
    for rendering in drawn.renderings:
        assert rendering.png.startswith(b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", rendering.png[16:24])
        assert width >= MIN_WIDTH and (width, height) == (rendering.width, rendering.height)
        for label, size in label_sizes(knowledge.pictures[rendering.name].svg, width):
            assert size >= MIN_LABEL_PX, (rendering.name, label)


def test_the_bot_shows_every_picture_as_drawn_today(drawn: Drawn, gallery: Gallery,
                                                    knowledge: Knowledge) -> None:
    assert drawn.stale(knowledge) == [], "python -m bot pictures knowledge/pictures/drawn"
    for rendering in drawn.renderings:
        assert gallery.get(rendering.name, rendering.language) == rendering


def test_each_language_gets_its_own_labels(gallery: Gallery) -> None:
    english, russian = gallery.get("opener", "en"), gallery.get("opener", "ru")
    assert english.png != russian.png
    assert gallery.key("opener", "en") != gallery.key("opener", "ru")


def test_a_changed_label_is_stale_until_drawn_again_then_a_new_picture_for_telegram(
        knowledge: Knowledge, kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.replace_text(PICTURES, '{en: "PLATE", ru: "НОМЕР"}', '{en: "NUMBER", ru: "НОМЕР"}')
    changed = kb.load()
    assert draw_all(changed).stale(changed) == ["drawn/opener.en.png"]  # bot check fails
    draw_all(changed).write(kb.path("knowledge/pictures/drawn"))
    assert draw_all(changed).stale(changed) == []
    assert Gallery(changed).key("opener", "en") != Gallery(knowledge).key("opener", "en")
    assert Gallery(changed).key("opener", "ru") == Gallery(knowledge).key("opener", "ru")


def test_a_drawn_picture_missing_stops_the_start_naming_it(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.path("knowledge/pictures/drawn/key.ru.png").unlink()
    with pytest.raises(KnowledgeError) as caught:
        Gallery(kb.load())
    assert_points_at(caught.value, PICTURES, "key", "drawn.ru", "python -m bot pictures")


def test_a_label_without_a_translation_names_the_picture_and_label(
        kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.edit(PICTURES, lambda data: data["opener"]["labels"]["badge"].pop("ru"))
    assert_points_at(kb.error(), PICTURES, "opener", "labels.badge.ru", "missing")


def test_a_drawn_label_missing_from_the_yaml_is_named(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.edit(PICTURES, lambda data: data["opener"]["labels"].pop("press"))
    assert_points_at(kb.error(), PICTURES, "opener", "labels.press", "data-label")


def test_a_missing_drawing_is_named(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.path("knowledge/pictures/key.svg").unlink()
    assert_points_at(kb.error(), PICTURES, "key", "drawing", "cannot be read")


def test_a_picture_on_a_step_that_is_not_there_is_named(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.edit(PICTURES, lambda data: data["fuse-boxes"]["shown_with"].append(
        {"entry": "lid-button", "step": 40}))
    assert_points_at(kb.error(), PICTURES, "fuse-boxes", "shown_with[1].step", "numbered from 0")


def test_two_pictures_on_one_screen_are_refused(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.edit(PICTURES, lambda data: data["fuse-boxes"]["shown_with"].append({"entry": "key-fob"}))
    assert_points_at(kb.error(), PICTURES, "fuse-boxes", "shown_with[1]", "one picture")


def test_labels_too_small_for_a_phone_fail_the_check(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.replace_text("knowledge/pictures/opener.svg", 'font-size="24" font-weight="bold" '
                    'fill="#333" text-anchor="middle">plate', 'font-size="12" font-weight="bold" '
                    'fill="#333" text-anchor="middle">plate')
    with pytest.raises(Exception) as caught:
        draw_all(kb.load())
    assert "labels.plate" in str(caught.value) and "24" in str(caught.value)


def test_pictures_command_writes_every_png(tmp_path, capsys: pytest.CaptureFixture[str],
                                           knowledge: Knowledge) -> None:
    assert main(["pictures", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{name}.{language}.png" for name in knowledge.pictures
                             for language in LANGUAGES)
    assert str(tmp_path / "out" / "opener.en.png") in capsys.readouterr().out


def test_the_readme_shows_the_drawings_as_they_are_now(gallery: Gallery) -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "pictures"
    shown = sorted(docs.glob("*.png"))
    assert len(shown) >= 3
    for path in shown:
        name, language, _ = path.name.split(".")
        assert path.read_bytes() == gallery.get(name, language).png, (
            f"{path.name} is out of date: python -m bot pictures DIR, then copy it from DIR")


def test_a_retired_word_in_a_label_fails_the_check(kb: KnowledgeCopy) -> None:  # noqa: F811
    """The glossary covers the words drawn into pictures: «АКБ» in a label is refused."""
    kb.edit(PICTURES, lambda data: data["jump-start"]["labels"]["flat_car"].update(
        ru="Ваша машина: сел АКБ"))
    assert_points_at(kb.error(), PICTURES, "jump-start", "labels.flat_car.ru", "retired",
                     "АКБ")


def test_a_retired_word_in_a_picture_title_fails_the_check(kb: KnowledgeCopy) -> None:  # noqa: F811
    kb.edit(PICTURES, lambda data: data["opener"]["title"].update(en="Where the trunk opener is"))
    assert_points_at(kb.error(), PICTURES, "opener", "title.en", "retired", "trunk")


def test_the_drawings_say_what_the_sources_say(knowledge: Knowledge) -> None:
    """Issue 17: the last clamp goes on the earth point the handbook shows (not "the engine"),
    the lever slides the way the handbook shows (no arrow on the cover is claimed, and none is
    drawn both ways), the fuse boxes are drawn broadly and point to the handbook's chart."""
    pictures = knowledge.pictures
    four = pictures["jump-start"].labels["four"]
    assert "earth point your handbook shows" in four.in_("en")
    assert "engine" not in four.in_("en").lower()
    assert "руководств" in four.in_("ru") and "двигател" not in four.in_("ru")
    assert "earth" in pictures["jump-start"].labels
    assert 'data-label="earth"' in pictures["jump-start"].svg
    lever = pictures["release-lever"]
    assert "arrow" not in lever.labels["slide"].in_("en")
    assert "стрелк" not in lever.labels["slide"].in_("ru")
    assert "handbook" in lever.labels["slide"].in_("en")
    fuses = pictures["fuse-boxes"]
    inside = fuses.labels["where_inside"]
    assert "driver" not in inside.in_("en") and "водител" not in inside.in_("ru")
    assert "handbook" in inside.in_("en") and "руководств" in inside.in_("ru")
    assert "chart" in fuses.labels["where_bay"].in_("en")


def test_no_picture_label_uses_a_retired_word(knowledge: Knowledge) -> None:
    for name, picture in knowledge.pictures.items():
        for text in (picture.title, *picture.labels.values()):
            assert "АКБ" not in text.in_("ru"), (name, text)
