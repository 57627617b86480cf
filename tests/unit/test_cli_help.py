"""What the command line and the README tell a newcomer about the tools is true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shown(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, text=True,
                          capture_output=True, timeout=60, check=True)
    return done.stdout


def test_eval_help_says_what_file_it_takes_and_what_it_measures() -> None:
    text = " ".join(shown("eval", "--help").split())
    assert "question set" in text and "conversation set" in text
    assert "accuracy" in text and "per behaviour" in text


def test_the_top_help_speaks_to_a_user_not_of_the_code() -> None:
    text = " ".join(shown("--help").split())
    assert "Qashqai Trunk Assistant" in text
    assert "dispatch" not in text


def test_the_readme_lists_every_evaluation_set_in_tests_data() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| file | what | use |"):]
    table = table[:table.index("\n\n")]
    listed = set(re.findall(r"`([\w.-]+\.yaml)`", table))
    assert listed == {p.name for p in (ROOT / "tests" / "data").glob("*.yaml")}


def test_ask_lang_answers_in_that_language_whatever_the_question_is_written_in() -> None:
    """The README's promise for `ask --lang`."""
    english = shown("ask", "--lang", "en", "багажник не открывается")
    assert "Way 1 of" in english and not re.search("[а-яА-Я]", english)
    russian = shown("ask", "--lang", "ru", "--json", "boot wont open")
    assert '"lang": "ru"' in russian
    assert "Способ 1 из" in shown("ask", "--lang", "ru", "boot wont open")
