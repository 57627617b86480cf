"""Every way an editor can break knowledge/ stops start-up with a message that points at the
file, the entry and the field, so the fix takes one look rather than a debugging session.

Each test copies the real knowledge/ directory, breaks exactly one thing and checks the error.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import bot.cli.startup
from bot.cli.main import main
from bot.cli.startup import Loaded
from bot.knowledge import DEFAULT_DIRECTORY, Knowledge, KnowledgeError, load_knowledge

PROJECT = Path(__file__).resolve().parents[2]
TOPICS = PROJECT / "tests" / "data" / "TOPICS.md"

LID = "knowledge/entries/lid-button.yaml"  # a way: steps, prevention, phrasings, related
MAINTENANCE = "knowledge/entries/maintenance.yaml"  # a topic with a table
GUIDED = "knowledge/guided.yaml"
INTERFACE = "knowledge/interface.yaml"


class KnowledgeCopy:
    """A private copy of the real knowledge/ that a test may break one thing in."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path(self, name: str) -> Path:
        """`name` as the loader shows it, e.g. 'knowledge/entries/lid-button.yaml'."""
        return self.directory.parent / name

    def read(self, name: str) -> Any:
        return yaml.safe_load(self.path(name).read_text(encoding="utf-8"))

    def edit(self, name: str, change: Callable[[Any], object]) -> None:
        """Load the YAML, let `change` mutate it in place, write it back."""
        data = self.read(name)
        change(data)
        self.path(name).write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )

    def write_text(self, name: str, text: str) -> None:
        self.path(name).write_text(text, encoding="utf-8")

    def replace_text(self, name: str, old: str, new: str) -> None:
        """For breakages a YAML round trip cannot express (unquoted scalars, bad syntax)."""
        text = self.path(name).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should occur once in {name}"
        self.write_text(name, text.replace(old, new))

    def load(self) -> Knowledge:
        return load_knowledge(self.directory)

    def error(self) -> KnowledgeError:
        with pytest.raises(KnowledgeError) as caught:
            self.load()
        return caught.value


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeCopy:
    directory = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, directory)
    return KnowledgeCopy(directory)


def assert_points_at(
    error: KnowledgeError, file: str, entry: str | None, field: str | None, *hints: str
) -> None:
    """The error names the file, entry and field, both as attributes and in its message
    (the message is what an operator sees), and the problem says what would be valid."""
    assert (error.file, error.entry, error.field) == (file, entry, field), str(error)
    message = str(error)
    assert message.startswith(file), message
    if entry is not None:
        assert f"entry '{entry}'" in message
    if field is not None:
        assert f"field '{field}'" in message
    assert error.problem in message
    for hint in hints:
        assert hint.lower() in error.problem.lower(), error.problem


# ---------------------------------------------------------------- the real knowledge


def topic_ids() -> list[str]:
    """The id column of the table in tests/data/TOPICS.md."""
    ids = []
    for line in TOPICS.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*([a-z][a-z0-9-]*)\s*\|", line)
        if match and match.group(1) != "id":
            ids.append(match.group(1))
    return ids


def test_real_knowledge_loads_with_every_topic_id() -> None:
    knowledge = load_knowledge()
    ids = topic_ids()
    assert "overview" in ids and "faq-fob-battery" in ids  # the table was actually parsed
    missing = [topic for topic in ids if topic not in knowledge.entries]
    assert missing == []
    assert knowledge.guided_order and all(
        knowledge.entry(entry_id).is_way for entry_id in knowledge.guided_order
    )


def test_an_untouched_copy_loads_like_the_original(kb: KnowledgeCopy) -> None:
    """Guards the fixture: every failure below comes from the one thing a test broke."""
    original = load_knowledge()
    copy = kb.load()
    assert copy.version == original.version
    assert set(copy.entries) == set(original.entries)


# ---------------------------------------------------------------- whole files


def test_invalid_yaml(kb: KnowledgeCopy) -> None:
    kb.replace_text(LID, "kind: way\n", "kind: [way\n")
    error = kb.error()
    assert_points_at(error, LID, None, None, "not valid YAML", "line")


def test_top_level_not_a_mapping(kb: KnowledgeCopy) -> None:
    kb.write_text(LID, "- id: lid-button\n- kind: way\n")
    assert_points_at(kb.error(), LID, None, None, "mapping")


def test_missing_id(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.pop("id"))
    assert_points_at(kb.error(), LID, None, "id", "missing")


def test_duplicate_id_names_both_files(kb: KnowledgeCopy) -> None:
    kb.path("knowledge/entries/faq").mkdir()
    shutil.copy(kb.path(LID), kb.path("knowledge/entries/faq/lid-button.yaml"))
    error = kb.error()
    assert_points_at(error, "knowledge/entries/lid-button.yaml", "lid-button", "id",
                     "duplicate", "faq/lid-button.yaml")


# ---------------------------------------------------------------- entry fields


def test_unknown_field_such_as_a_typo(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("stpes", data.pop("steps")))
    assert_points_at(kb.error(), LID, "lid-button", "stpes", "unknown field", "steps")


def test_unknown_kind(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("kind", "wya"))
    assert_points_at(kb.error(), LID, "lid-button", "kind", "wya", "way", "topic", "faq")


def test_missing_title(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.pop("title"))
    assert_points_at(kb.error(), LID, "lid-button", "title", "missing", "en", "ru")


def test_empty_title_text(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["title"].__setitem__("en", "   "))
    assert_points_at(kb.error(), LID, "lid-button", "title.en", "empty")


def test_missing_language(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["answer"].pop("ru"))
    assert_points_at(kb.error(), LID, "lid-button", "answer.ru", "missing")


def test_unknown_language_key(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["title"].__setitem__("de", "Heckklappentaste"))
    assert_points_at(kb.error(), LID, "lid-button", "title", "unknown language 'de'", "en, ru")


def test_method_with_empty_steps(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("steps", []))
    assert_points_at(kb.error(), LID, "lid-button", "steps", "at least one step")


def test_method_without_prevention(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.pop("prevention"))
    assert_points_at(kb.error(), LID, "lid-button", "prevention", "prevention")


def test_step_without_do(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["steps"][1].pop("do"))
    assert_points_at(kb.error(), LID, "lid-button", "steps[1].do", "missing")


def test_step_with_unknown_field(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["steps"][1].__setitem__("tipp", data["steps"][1].pop("tip")))
    assert_points_at(kb.error(), LID, "lid-button", "steps[1].tipp", "unknown field", "tip")


def test_unknown_generation_on_the_entry(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("generations", ["J10", "J13"]))
    assert_points_at(kb.error(), LID, "lid-button", "generations[1]", "J13", "J10, J11, J12")


def test_unknown_generation_on_a_step(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["steps"][2].__setitem__("generations", ["J13"]))
    assert_points_at(kb.error(), LID, "lid-button", "steps[2].generations[0]", "J13",
                     "J10, J11, J12")


def test_empty_generations_list(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("generations", []))
    assert_points_at(kb.error(), LID, "lid-button", "generations", "non-empty")


def test_related_unknown_id(kb: KnowledgeCopy) -> None:
    index = len(kb.read(LID)["related"])
    kb.edit(LID, lambda data: data["related"].append("no-such-entry"))
    assert_points_at(kb.error(), LID, "lid-button", f"related[{index}]", "no-such-entry",
                     "key-fob")  # lists the ids that do exist


def test_related_to_itself(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data.__setitem__("related", ["lid-button"]))
    assert_points_at(kb.error(), LID, "lid-button", "related[0]", "itself")


def test_phrasings_missing_a_language(kb: KnowledgeCopy) -> None:
    kb.edit(LID, lambda data: data["phrasings"].pop("ru"))
    assert_points_at(kb.error(), LID, "lid-button", "phrasings.ru", "at least one")


@pytest.mark.parametrize(("unquoted", "read_as"), [("no", "bool"), ("2016", "int")])
def test_phrasing_yaml_reads_as_a_bool_or_number(
    kb: KnowledgeCopy, unquoted: str, read_as: str
) -> None:
    index = kb.read(LID)["phrasings"]["en"].index("tailgate button not working")
    kb.replace_text(LID, '- "tailgate button not working"', f"- {unquoted}")
    assert_points_at(kb.error(), LID, "lid-button", f"phrasings.en[{index}]", read_as, "quotes")


def test_table_row_missing_a_column(kb: KnowledgeCopy) -> None:
    kb.edit(MAINTENANCE, lambda data: data["table"][2].pop("remedy"))
    assert_points_at(kb.error(), MAINTENANCE, "maintenance", "table[2].remedy", "missing",
                     "en, ru")


# ---------------------------------------------------------------- guided.yaml


def test_guided_unknown_id(kb: KnowledgeCopy) -> None:
    index = len(kb.read(GUIDED)["order"])
    kb.edit(GUIDED, lambda data: data["order"].append("no-such-method"))
    assert_points_at(kb.error(), GUIDED, None, f"order[{index}]", "unknown id 'no-such-method'")


def test_guided_order_lists_what_is_not_a_way(kb: KnowledgeCopy) -> None:
    kb.edit(GUIDED, lambda data: data["order"].insert(0, "maintenance"))
    assert_points_at(kb.error(), GUIDED, None, "order[0]", "'maintenance' is not a way")


def test_guided_order_lists_a_method_twice(kb: KnowledgeCopy) -> None:
    order = kb.read(GUIDED)["order"]
    kb.edit(GUIDED, lambda data: data["order"].append(order[0]))
    assert_points_at(kb.error(), GUIDED, None, f"order[{len(order)}]", order[0], "twice")


def test_guided_offered_by_unknown_id(kb: KnowledgeCopy) -> None:
    index = len(kb.read(GUIDED)["offered_by"])
    kb.edit(GUIDED, lambda data: data["offered_by"].append("no-such-entry"))
    assert_points_at(kb.error(), GUIDED, None, f"offered_by[{index}]",
                     "unknown id 'no-such-entry'")


# ---------------------------------------------------------------- interface and word lists


def test_interface_placeholders_differ_between_languages(kb: KnowledgeCopy) -> None:
    kb.edit(INTERFACE, lambda data: data["step_header"].__setitem__("ru", "{title}: шаг {number}"))
    assert_points_at(kb.error(), INTERFACE, "step_header", "text.ru", "placeholders", "total")


def test_interface_missing_a_text_the_bot_shows(kb: KnowledgeCopy) -> None:
    """Found when `bot check` renders every screen, naming the key."""
    kb.edit(INTERFACE, lambda data: data.pop("greeting"))
    with pytest.raises(KnowledgeError) as caught:
        Loaded(load_knowledge(kb.directory)).screens  # noqa: B018 (rendering them is the check)
    assert_points_at(caught.value, INTERFACE, "greeting", None, "missing")


def test_synonyms_concept_with_an_empty_list(kb: KnowledgeCopy) -> None:
    kb.edit("knowledge/synonyms.yaml", lambda data: data["en"].__setitem__("fuse", []))
    assert_points_at(kb.error(), "knowledge/synonyms.yaml", "fuse", "en", "non-empty")


def test_off_topic_missing_a_language(kb: KnowledgeCopy) -> None:
    kb.edit("knowledge/off_topic.yaml", lambda data: data.pop("ru"))
    assert_points_at(kb.error(), "knowledge/off_topic.yaml", None, "ru", "non-empty list")


# ---------------------------------------------------------------- python -m bot check


def test_check_command_passes_on_the_real_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    entries = len(load_knowledge().entries)
    assert re.match(rf"ok: {entries} entries, \d+ screens checked", capsys.readouterr().out)


def test_python_m_bot_check_exits_0() -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "check"], cwd=PROJECT,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_check_command_fails_on_broken_knowledge(
    kb: KnowledgeCopy, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot check` has no option to point at another knowledge directory, so the
    loader startup calls is redirected to the broken copy; the rest of the command is real."""
    kb.edit(LID, lambda data: data.__setitem__("stpes", data.pop("steps")))
    monkeypatch.setattr(bot.cli.startup, "load_knowledge",
                        functools.partial(load_knowledge, kb.directory))
    assert main(["check"]) == 1
    captured = capsys.readouterr()
    assert "ok:" not in captured.out
    assert (f"knowledge error: {LID}, entry 'lid-button', field 'stpes': unknown field"
            in captured.err)


# ---------------------------------------------------------------- known gaps (bugs)


def test_guided_unknown_top_level_key(kb: KnowledgeCopy) -> None:
    kb.edit(GUIDED, lambda data: data.__setitem__("offerd_by", data.pop("offered_by")))
    assert_points_at(kb.error(), GUIDED, None, "offerd_by", "unknown")


def test_interface_unbalanced_braces(kb: KnowledgeCopy) -> None:
    kb.edit(INTERFACE, lambda data: data.__setitem__(
        "step_header", {"en": "{title}: step {number of {total}",
                        "ru": "{title}: шаг {number из {total}"}))
    assert_points_at(kb.error(), INTERFACE, "step_header", "text.en", "brace")


def test_text_yaml_reads_as_a_number(kb: KnowledgeCopy) -> None:
    kb.replace_text(LID, 'title: {en: "Opener above the number plate"', "title: {en: 2016")
    assert_points_at(kb.error(), LID, "lid-button", "title.en", "quotes")


def test_entry_file_name_differs_from_id(kb: KnowledgeCopy) -> None:
    kb.path(LID).rename(kb.path("knowledge/entries/lid.yaml"))
    assert_points_at(kb.error(), "knowledge/entries/lid.yaml", "lid-button", "id")


def test_guided_order_item_not_a_text(kb: KnowledgeCopy) -> None:
    kb.edit(GUIDED, lambda data: data["order"].__setitem__(1, [data["order"][1]]))
    assert_points_at(kb.error(), GUIDED, None, "order[1]")


def test_concept_roles_name_only_synonym_concepts(kb: KnowledgeCopy) -> None:
    path = kb.path("knowledge/concept_roles.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("[trunk, fob,", "[trunk, fobb,"),
                    encoding="utf-8")
    error = kb.error()
    assert error.file.endswith("concept_roles.yaml")
    assert error.field == "trunk_parts[1]"
    assert "fobb" in str(error) and "synonyms.yaml" in str(error)


def test_quick_reply_must_walk_a_method(kb: KnowledgeCopy) -> None:
    path = kb.path("knowledge/quick_replies.yaml")
    index = kb.read("knowledge/quick_replies.yaml").index({"label": "quick_key_fob",
                                                          "walk": "key-fob"})
    path.write_text(path.read_text(encoding="utf-8").replace("walk: key-fob", "walk: overview"),
                    encoding="utf-8")
    error = kb.error()
    assert error.file.endswith("quick_replies.yaml")
    assert error.field == f"[{index}].walk" and "overview" in str(error)
