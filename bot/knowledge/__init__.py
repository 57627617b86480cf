"""Knowledge: YAML under knowledge/ turned into typed, validated objects.

Each name is imported from its module when first used (bot/lazy.py): names.py's constants and
enums cost nothing, the schemas and the loader load pydantic and YAML.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.knowledge.errors import KnowledgeError as KnowledgeError
    from bot.knowledge.loader import DEFAULT_DIRECTORY as DEFAULT_DIRECTORY
    from bot.knowledge.loader import load_knowledge as load_knowledge
    from bot.knowledge.model import Entry as Entry
    from bot.knowledge.model import Knowledge as Knowledge
    from bot.knowledge.model import QuickReply as QuickReply
    from bot.knowledge.model import Source as Source
    from bot.knowledge.model import Step as Step
    from bot.knowledge.model import Symptom as Symptom
    from bot.knowledge.model import TableRow as TableRow
    from bot.knowledge.model import Text as Text
    from bot.knowledge.model import Urgent as Urgent
    from bot.knowledge.model import WordRule as WordRule
    from bot.knowledge.names import DEFAULT_LANGUAGE as DEFAULT_LANGUAGE
    from bot.knowledge.names import LANGUAGES as LANGUAGES
    from bot.knowledge.names import NO_ENTRY as NO_ENTRY
    from bot.knowledge.names import Act as Act
    from bot.knowledge.names import EntryKind as EntryKind
    from bot.knowledge.names import Generation as Generation
else:
    from bot.lazy import exports

    __all__, __getattr__, __dir__ = exports(__name__, __file__)
