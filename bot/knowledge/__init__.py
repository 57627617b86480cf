"""Knowledge: YAML under knowledge/ turned into typed, validated objects."""

from bot.knowledge.errors import KnowledgeError
from bot.knowledge.loader import DEFAULT_DIRECTORY, load_knowledge
from bot.knowledge.model import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    NO_ENTRY,
    Act,
    Entry,
    EntryKind,
    Generation,
    Knowledge,
    QuickReply,
    Source,
    Step,
    Symptom,
    TableRow,
    Text,
    Urgent,
    WordRule,
)

__all__ = [
    "DEFAULT_DIRECTORY",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "NO_ENTRY",
    "Act",
    "Entry",
    "EntryKind",
    "Generation",
    "Knowledge",
    "KnowledgeError",
    "QuickReply",
    "Source",
    "Step",
    "Symptom",
    "TableRow",
    "Text",
    "Urgent",
    "WordRule",
    "load_knowledge",
]
