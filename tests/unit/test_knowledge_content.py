"""The seed article's key facts reach the user, in both languages, in the right entry; the
ones that are wrong for a Nissan reach the user corrected (knowledge/CORRECTIONS.md says why,
with sources), and the wrong versions never do.

Each row says: this entry, in this language, shows text matching this pattern somewhere in
what the bot renders for it (title, answer, steps, tips, warnings, table, generation notes,
prevention). Phrasings are not searched: they are how owners ask, not what the bot says.
"""

from __future__ import annotations

import re

import pytest

from bot.knowledge import LANGUAGES, Entry, Knowledge, Text

RANGE = r"\s*[-–—]\s*"  # "10-15" or "10–15"

# (entry id, language, pattern); matched case-insensitively against the entry's rendered texts.
FACTS: list[tuple[str, str, str]] = [
    # Battery voltage, jump-start or booster, fuse, the 10-15 minute reset on the negative terminal.
    ("power-failure", "en", r"12\.6 V"),
    ("power-failure", "ru", r"12,6 В"),
    ("power-failure", "en", r"jump-start"),
    ("power-failure", "en", r"booster"),
    ("power-failure", "ru", r"прикур"),
    ("power-failure", "ru", r"бустер"),
    ("power-failure", "en", r"fuse"),
    ("power-failure", "ru", r"предохранител"),
    ("power-failure", "en", rf"negative \(−\) battery terminal for 10{RANGE}15 minutes"),
    ("power-failure", "ru", rf"минусовую \(−\) клемму аккумулятора на 10{RANGE}15 минут"),
    # ignition off before touching the battery; not "take the key out" (push-button cars)
    ("power-failure", "en", r"switch the ignition (and lights )?off"),
    ("power-failure", "ru", r"выключите зажигание"),
    ("power-failure", "en", r"won't fix a mechanical fault"),
    ("power-failure", "ru", r"механическую неисправность не устранит"),
    # The mechanical key opens the driver's door, not the boot.
    ("power-failure", "en", r"mechanical key.*driver's door"),
    ("power-failure", "ru", r"механическ.*водительскую дверь"),
    ("key-fob", "en", r"driver's door with the mechanical key"),
    ("key-fob", "ru", r"водительскую дверь механическим ключом"),
    # The seed's "system reboot" for a boot that won't close is not carried there: no
    # Nissan source supports it and it cannot help a latch that won't catch (CORRECTIONS.md);
    # the reset stays, hedged, on power-failure above.
    # Hands-free: only on some J12s (a J11 never had it), checked in the car's settings; the
    # seed's height and menu path are not confirmed, so the handbook shows them.
    ("hands-free", "en", r"some J12"),
    ("hands-free", "ru", r"J12"),
    ("hands-free", "en", r"settings"),
    ("hands-free", "ru", r"настройк"),
    ("hands-free", "en", r"handbook"),
    ("hands-free", "ru", r"руководств"),
    # A powered tailgate and a kick sensor: check the space around it, keep hands clear.
    ("hands-free", "en", r"space above and behind"),
    ("hands-free", "ru", r"сверху и сзади"),
    # Maintenance: silicone lubricant every six months.
    ("maintenance", "en", r"every six months.*silicone lubricant"),
    ("maintenance", "ru", r"раз в полгода.*силиконовую смазку"),
    # Key fob battery: CR2032, every 1-2 years.
    ("faq-fob-battery", "en", r"CR2032"),
    ("faq-fob-battery", "ru", r"CR2032"),
    ("faq-fob-battery", "en", rf"every 1{RANGE}2 years"),
    ("faq-fob-battery", "ru", rf"раз в 1{RANGE}2 года"),
    # Generation years.
    ("generations", "en", rf"J10 \(2007{RANGE}2013\)"),
    ("generations", "ru", rf"J10 \(2007{RANGE}2013\)"),
    ("generations", "en", rf"J11 \(2013{RANGE}2021\)"),
    ("generations", "ru", rf"J11 \(2013{RANGE}2021\)"),
    ("generations", "en", r"J12 \(from 2021\)"),
    ("generations", "ru", r"J12 \(с 2021\)"),
    # Emergency release: middle, low down, behind a trim cover, a lever (not a glowing handle).
    ("interior-release", "en", r"middle, low down"),
    ("interior-release", "ru", r"посередине внизу"),
    ("interior-release", "en", r"trim cover"),
    ("interior-release", "ru", r"заглушк"),
    ("interior-release", "en", r"lever"),
    ("interior-release", "ru", r"рычаг"),
    # A person or animal shut in: call for help first.
    ("emergency-shut-in", "en", r"^Call 112"),
    ("emergency-shut-in", "ru", r"^Позвоните 112|^Звоните 112|^Сразу звоните 112"),
    # Jump-starting: positive first, the last clamp on bare metal away from the battery.
    # Issue 17: the earth point the handbook shows, not "the engine" (e-POWER: never the
    # engine or motor).
    ("power-failure", "en",
     r"(?s)red: \+ on the flat battery.*black: the earth point your handbook shows \(bare "
     r"metal, away from the battery\)"),
    ("power-failure", "ru", r"(?s)красный — на «\+» севшего.*на массу из руководства: "
     r"неокрашенный металл вдали от аккумулятора"),
    ("power-failure", "en", r"engine or motor on e-POWER"),
    ("faq-dead-battery", "en", r"black: the earth point your handbook shows"),
    # Fuses: the same rating only; if it blows again, stop.
    ("power-failure", "en", r"same rating.*blows again"),
    ("power-failure", "ru", r"такой же номинал.*сгорит снова"),
    # Never drive with the boot open: exhaust fumes.
    ("faq-wont-close", "en", r"exhaust"),
    ("faq-wont-close", "ru", r"выхлоп"),
]

# The failure table: the article's five rows (part, cause, remedy), in its order, among the
# rows a service advisor adds (the wires to the boot lid, the lock actuator).
TABLE: dict[str, list[tuple[str, str, str]]] = {
    "en": [
        (r"Opener", r"Worn contacts, dirt", r"Clean or replace"),
        (r"Electric drive", r"Burnt-out motor, broken wire", r"Replace the drive, repair"),
        (r"Kick sensor", r"Dirt, ice", r"Clean the bumper, check the settings"),
        (r"battery", r"Fully discharged", r"Charge or replace the battery"),
        (r"Key fob", r"Dead battery", r"Replace the battery"),
    ],
    "ru": [
        (r"Кнопка над номером", r"Износ контактов, грязь", r"Очистка или замена кнопки"),
        (r"Электропривод", r"Сгорел мотор, обрыв провода", r"Замена привода, ремонт"),
        (r"Датчик открытия ногой", r"Грязь, лёд", r"Очистка бампера, проверка настроек"),
        (r"Аккумулятор", r"Полный разряд", r"Зарядка или замена аккумулятора"),
        (r"Брелок", r"Села батарейка", r"Замена батарейки"),
    ],
}
# Rows added beyond the article: where a dead opener usually is.
ADDED_ROWS = {"en": (r"[Ww]ires|[Ww]iring", r"[Ll]ock"), "ru": (r"[Пп]ровод", r"[Зз]ам")}

FAQS = ("faq-wont-close", "faq-dead-battery", "faq-smart-pedal", "faq-fob-battery")

# The article's machine-translation slips and the claims that are wrong for a Nissan; none may
# reach an English-speaking user (knowledge/glossary.yaml retires them for the check too).
MISTRANSLATIONS = ("cigarette", "below ground", "keychain", "sash", "crankcase", "glowing handle",
                   "comfort package", "lock switch", "child lock", "release hatch",
                   "emergency buttons", "take the key out")


def rendered(entry: Entry) -> list[Text]:
    """Every text the bot can show for an entry (phrasings are not shown)."""
    texts = [entry.title, entry.answer, *entry.tips, *entry.warnings]
    for step in entry.steps:
        texts += [t for t in (step.do, step.tip, step.warning) if t is not None]
    for row in entry.table:
        texts += [row.part, row.cause, row.remedy]
    texts += list(entry.generation_notes.values())
    if entry.prevention is not None:
        texts.append(entry.prevention)
    return texts


def texts_in(entry: Entry, language: str) -> list[str]:
    return [text.by_language[language] for text in rendered(entry)]


@pytest.mark.parametrize(("entry_id", "language", "pattern"), FACTS,
                         ids=[f"{e}-{lang}-{p}" for e, lang, p in FACTS])
def test_seed_fact_reaches_the_user(knowledge: Knowledge, entry_id: str, language: str,
                                    pattern: str) -> None:
    texts = texts_in(knowledge.entry(entry_id), language)
    assert any(re.search(pattern, text, re.IGNORECASE) for text in texts), (
        f"{entry_id} ({language}) never says /{pattern}/")


@pytest.mark.parametrize("language", LANGUAGES)
def test_failure_table_keeps_the_articles_five_rows_in_order(knowledge: Knowledge,
                                                             language: str) -> None:
    table = list(knowledge.entry("maintenance").table)
    position = 0
    for part, cause, remedy in TABLE[language]:
        found = next(i for i, row in enumerate(table[position:], position)
                     if re.search(part, row.part.in_(language)))
        row = table[found]
        assert re.search(cause, row.cause.in_(language)), row
        assert re.search(remedy, row.remedy.in_(language)), row
        position = found + 1
    parts = " ".join(row.part.in_(language) for row in table)
    assert all(re.search(added, parts) for added in ADDED_ROWS[language])


@pytest.mark.parametrize("entry_id", FAQS)
def test_faq_exists_with_an_answer_in_both_languages(knowledge: Knowledge, entry_id: str) -> None:
    entry = knowledge.entries.get(entry_id)
    assert entry is not None, f"FAQ {entry_id} is missing"
    for language in LANGUAGES:
        assert entry.answer.by_language.get(language, "").strip(), f"{entry_id} ({language})"


def test_foot_goes_above_the_ground_not_below(knowledge: Knowledge) -> None:
    for entry in knowledge.entries.values():
        for text in texts_in(entry, "en"):
            assert not re.search(r"below (the )?ground", text, re.IGNORECASE), (entry.id, text)


def english_texts(knowledge: Knowledge) -> list[tuple[str, str]]:
    """(where, text) for every English text the bot shows: entries, interface, pictures."""
    english = [(entry.id, text) for entry in knowledge.entries.values()
               for text in texts_in(entry, "en")]
    english += [(f"interface:{key}", text.by_language["en"])
                for key, text in knowledge.interface.items()]
    english += [(f"pictures:{name}", text.by_language["en"])
                for name, picture in knowledge.pictures.items()
                for text in (picture.title, *picture.labels.values())]
    return english


@pytest.mark.parametrize("word", MISTRANSLATIONS)
def test_no_mistranslation_in_english_text(knowledge: Knowledge, word: str) -> None:
    offenders = [(where, text) for where, text in english_texts(knowledge)
                 if word in text.lower()]
    assert not offenders, offenders


def test_english_says_boot_and_tailgate_only_for_the_powered_one(knowledge: Knowledge) -> None:
    """One word per idea (issue 19): the boot, and the boot lid for the lid as a part; "tailgate"
    only names a feature, the powered tailgate. "Trunk" is retired (knowledge/glossary.yaml);
    owners may say either, in phrasings."""
    offenders = [(where, text) for where, text in english_texts(knowledge)
                 if re.search(r"(?<!powered )(?<!power )\btailgate", text, re.IGNORECASE)]
    assert not offenders, offenders


def test_no_tailgate_keyhole_claimed(knowledge: Knowledge) -> None:
    """Most Qashqai boots have no key cylinder: the mechanical key opens the driver's door."""
    for entry in knowledge.entries.values():
        for text in texts_in(entry, "en"):
            assert not re.search(r"open(ing)? the (trunk|tailgate|boot) with (it|the key)",
                                 text, re.IGNORECASE), (entry.id, text)


# -- issue 17: a service advisor's corrections, and the situations added ------------------------

NEW_SITUATIONS = ("frozen", "opens-by-itself", "power-tailgate", "no-key", "alarm", "after-jump",
                  "garage")


@pytest.mark.parametrize("entry_id", NEW_SITUATIONS)
def test_each_new_situation_is_a_full_entry(knowledge: Knowledge, entry_id: str) -> None:
    entry = knowledge.entries[entry_id]
    assert entry.kind in ("topic", "faq")
    assert entry.steps and entry.related and entry.sources
    for language in LANGUAGES:
        assert entry.answer.in_(language).strip()
        phrasings = entry.phrasings.in_(language)
        assert len(phrasings) >= 12, (entry_id, language, len(phrasings))
        assert len(set(phrasings)) == len(phrasings)


def test_emergency_calls_while_unlocking_then_gives_the_next_steps(knowledge: Knowledge) -> None:
    entry = knowledge.entry("emergency-shut-in")
    first = entry.answer.in_("en").splitlines()[0]
    assert first.startswith("Call 112") and "while" in first and "opener" in first
    assert "999" in first and "911" in first
    ru_first = entry.answer.in_("ru").splitlines()[0]
    assert ru_first.startswith("Звоните 112") and "тем временем" in ru_first
    steps = [step.do.in_("en") for step in entry.steps]
    assert "UNLOCK" in steps[0] and "opener" in steps[0]
    assert "seatback" in steps[1]
    assert "lever" in steps[2] and "where fitted" in steps[2]
    assert "climb over the rear seatback" in steps[3] and "open a door" in steps[3]
    assert "operator" in steps[4]
    tips = " ".join(t.in_("ru") for t in entry.tips)
    assert "ЭРА-ГЛОНАСС" in tips


def test_no_claim_the_sources_do_not_make(knowledge: Knowledge) -> None:
    """The advisor's list: no 'smell' of carbon monoxide, no 'keep the key away', no flat 'the
    battery isn't the problem', no 'usual faults', no arrow on the cover, no 'the engine' for the
    last clamp, no «разве что» stronger than the English hedge."""
    for entry in knowledge.entries.values():
        for language in LANGUAGES:
            lower = " ".join(texts_in(entry, language)).lower()
            for claim in ("smell exhaust", "key away from the car", "isn't the problem",
                          "usual faults", "arrow", "стрелк", "разве что", "flat car's engine",
                          "вашего двигателя"):
                assert claim not in lower, (entry.id, language, claim)


def test_fumes_are_suspected_not_smelt(knowledge: Knowledge) -> None:
    tips = " ".join(t.in_("en") for t in knowledge.entry("faq-wont-close").tips)
    assert "suspect" in tips and "no smell" in tips


def test_twelve_point_six_volts_means_fully_charged_engine_off(knowledge: Knowledge) -> None:
    text = " ".join(texts_in(knowledge.entry("power-failure"), "en"))
    assert re.search(r"Engine off and rested, about 12\.6 V means fully charged", text)
    assert "not ruled out" in text and "low voltage" in text


def test_the_central_locking_switch_answer_is_the_same_in_both_languages(
        knowledge: Knowledge) -> None:
    step = next(s for s in knowledge.entry("key-fob").steps if "central locking" in s.do.in_("en"))
    assert "your handbook shows where" in step.do.in_("en")
    assert "руководств" in step.do.in_("ru")
    assert "консол" not in step.do.in_("ru") and "dashboard" not in step.do.in_("en")


def test_the_key_blade_slides_out_and_the_lever_goes_the_handbooks_way(
        knowledge: Knowledge) -> None:
    key_fob = " ".join(texts_in(knowledge.entry("key-fob"), "en"))
    assert "slide the mechanical key blade out" in key_fob
    lever = knowledge.entry("interior-release").steps[4].do
    assert "the way your handbook shows" in lever.in_("en")
    assert "как показано в руководстве" in lever.in_("ru")


def test_the_other_names_are_in_the_generations_entry(knowledge: Knowledge) -> None:
    notes = knowledge.entry("generations").generation_notes
    assert "Dualis" in notes["J10"].in_("en") and "Dualis" in notes["J10"].in_("ru")
    assert "Rogue Sport" in notes["J11"].in_("en") and "Rogue Sport" in notes["J11"].in_("ru")
    phrasings = " ".join(knowledge.entry("generations").phrasings.in_("en")).lower()
    assert "rogue sport" in phrasings and "dualis" in phrasings
