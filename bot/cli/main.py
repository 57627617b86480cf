"""Argument parsing and dispatch; each command's work lives in its own small function (the
commands reading what the bot kept, stats and unanswered, in bot/cli/records.py)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import bot


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["health"]:  # every 30 s in a container: before the imports the rest needs
        return health()
    from bot.knowledge import KnowledgeError

    parser = argparse.ArgumentParser(
        prog="python -m bot", description="Qashqai Trunk Assistant: the Telegram bot, and the "
        "commands that try, check and measure it (README.md says more).")
    parser.add_argument("--version", action="version",
                        version=f"qashqai-trunk-assistant {bot.__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="serve Telegram (polling, or a webhook when WEBHOOK_URL "
                        "is set); needs TELEGRAM_BOT_TOKEN")
    commands.add_parser("chat", help="the same conversation in this terminal, no Telegram")
    commands.add_parser("check", help="validate knowledge/ and exit 0 (ok) or 1")
    commands.add_parser("train", help="fit the classifiers on knowledge/examples/ and write "
                        "knowledge/models/ (needs the train extra: scikit-learn)")
    commands.add_parser("health", help="exit 0 if the running bot polled or served recently")
    pictures_parser = commands.add_parser("pictures", help="draw every picture, in every "
                                          "language, as PNG files into DIR (the bot shows "
                                          "those in knowledge/pictures/drawn)")
    pictures_parser.add_argument("directory", type=Path, metavar="DIR")
    ask_parser = commands.add_parser("ask", help="answer QUESTION, or one question per stdin line")
    ask_parser.add_argument("--json", action="store_true", help="one JSON object per question")
    ask_parser.add_argument("--lang", choices=["en", "ru"], help="answer in this language "
                            "whatever the question is written in, and report it as lang "
                            "(default: the question's language, as in Telegram)")
    ask_parser.add_argument("question", nargs="*")
    eval_parser = commands.add_parser(
        "eval", help="score a question set or a conversation set (tests/data/FORMAT.md)")
    eval_parser.add_argument("file", type=Path, help="a question set (each question's best "
                             "answer: accuracy per language and rejection) or a conversation "
                             "set (scripted turns: a score per behaviour); the kind is told "
                             "from the file")
    eval_parser.add_argument("--figures-only", action="store_true",
                             help="print the figures, not the misses (for a first-sight set)")
    backup_parser = commands.add_parser("backup", help="copy the SQLite store under "
                                        "BOT_DATA_DIR to FILE, safely while the bot runs")
    backup_parser.add_argument("file", type=Path, metavar="FILE")
    from bot.cli.records import add_record_commands

    add_record_commands(commands)
    args = parser.parse_args(argv)

    try:
        match args.command:
            case "run":
                from bot.cli.serve import serve

                return serve()
            case "chat":
                from bot.cli.terminal_chat import chat

                return chat(sys.stdin, sys.stdout)
            case "check":
                return check()
            case "train":
                return train()
            case "health":
                return health()
            case "ask":
                questions = [" ".join(args.question)] if args.question else _lines(sys.stdin)
                return ask(questions, as_json=args.json, language=args.lang)
            case "eval":
                return evaluate_file(args.file, show_misses=not args.figures_only)
            case "pictures":
                return write_pictures(args.directory)
            case "backup":
                from bot.cli.backup import backup

                return backup(args.file)
            case "stats" | "unanswered":
                from bot.cli.records import run_record_command

                return run_record_command(args)
    except KnowledgeError as error:
        print(f"knowledge error: {error}", file=sys.stderr)
        return 1
    return 2


def health() -> int:
    from bot.config import DEFAULT_DATA_DIR
    from bot.monitoring.health import problem

    found = problem(Path(os.environ.get("BOT_DATA_DIR", DEFAULT_DATA_DIR)))
    print(f"unhealthy: {found}" if found else "healthy")
    return 1 if found else 0


def _lines(stream: Iterable[str]) -> list[str]:
    return [line.rstrip("\n") for line in stream if line.strip()]


def check() -> int:
    from bot.cli.startup import load
    from bot.dialog.self_check import AIM_SCREEN_CHARS
    from bot.pictures.drawing import REDRAW, draw_all

    loaded = load()  # renders and checks every screen on the way
    screens = loaded.screens
    print(f"ok: {len(loaded.knowledge.entries)} entries, {screens.checked} screens checked "
          f"(longest {screens.longest} characters, {len(screens.over_aim)} over "
          f"{AIM_SCREEN_CHARS}), knowledge version {loaded.knowledge.version}")
    for screen in screens.over_aim:
        print(f"  over {AIM_SCREEN_CHARS}: {screen}")
    drawn = draw_all(loaded.knowledge)  # and checks each one
    stale = drawn.stale(loaded.knowledge)
    if stale:
        print(f"knowledge error: knowledge/pictures: {', '.join(stale)} not as drawn today; "
              f"run {REDRAW}", file=sys.stderr)
        return 1
    print(f"ok: {len(drawn.renderings)} pictures drawn in {drawn.seconds * 1000:.0f} ms "
          f"({len(loaded.knowledge.pictures)} drawings, every language), each as "
          "knowledge/pictures/drawn keeps it")
    from bot.matching.training import stale_models

    stale = stale_models(loaded.knowledge, loaded.conversation.matcher.normaliser)
    if stale:
        print(f"knowledge error: knowledge/models: {', '.join(stale)} not trained on today's "
              "examples and knowledge; run python -m bot train", file=sys.stderr)
        return 1
    print(f"ok: {len(loaded.knowledge.models)} classifiers trained on today's examples")
    return 0


def train() -> int:
    from bot.knowledge import DEFAULT_DIRECTORY, load_knowledge
    from bot.matching.training import train_all

    knowledge = load_knowledge()
    directory = DEFAULT_DIRECTORY / "models"
    directory.mkdir(exist_ok=True)
    for name, (model, examples) in train_all(knowledge).items():
        data = model.to_bytes()
        (directory / f"{name}.json.gz").write_bytes(data)
        print(f"{name}: {examples} examples, {len(model.classes)} classes, "
              f"{len(data) // 1024} KiB, trained on {model.trained_on}")
    return 0


def write_pictures(directory: Path) -> int:
    """Draws every picture anew from its SVG: into knowledge/pictures/drawn after a drawing
    or a label changed, or anywhere to look at them."""
    from bot.cli.startup import load
    from bot.pictures.drawing import draw_all

    for path in draw_all(load().knowledge).write(directory):
        print(path)
    return 0


def ask(questions: Iterable[str], *, as_json: bool, language: str | None) -> int:
    from bot.cli.startup import load
    from bot.dialog import ChatState, TextMessage
    from bot.dialog.terminal_render import plain_text

    loaded = load()
    for question in questions:
        reading = loaded.reader.read(question)
        lang = language or reading.language
        if as_json:
            print(json.dumps({
                "query": question,
                "answer_id": reading.answer_id,
                "matches": [{"id": m.entry_id, "score": m.score} for m in reading.match.matches],
                "lang": lang,
            }, ensure_ascii=False), flush=True)
        else:
            _, replies, _ = loaded.conversation.handle(ChatState(language=lang),
                                                    TextMessage(question, language=language))
            print("\n\n".join(plain_text(r) for r in replies), end="\n\n", flush=True)
    return 0


def evaluate_file(path: Path, *, show_misses: bool = True) -> int:
    """A question set or a conversation set (the formats in tests/data/FORMAT.md)."""
    from bot.cli.startup import load
    from bot.evaluation import conversations, questions

    loaded = load()
    if conversations.is_conversation_file(path):
        outcomes = conversations.evaluate(loaded.conversation, conversations.read_cases(path))
        print(conversations.format_report(outcomes, show_failures=show_misses))
        return 0
    report = questions.evaluate(loaded.reader, questions.read_questions(path))
    print(questions.format_report(report, show_misses=show_misses))
    return 0
