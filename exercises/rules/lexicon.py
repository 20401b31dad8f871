"""The vocabulary of precision and vagueness (SCORING.md, "Vague markers" and
"Precise markers").

Gastinger & Schmidtke (2022) built a dictionary of imprecision (DIMI): one vague
term makes a sentence vague. We do the same with a small, curated lexicon. Every
phrase carries tags: what it tells the rubric (a vague term, a concrete verb, a
verification mechanism, a trigger word...).

This module knows the English of agreements, never a scenario's names: places
and verifiers come from the scenario pack (its ``places`` and ``verifiers``) and
are compiled into the scenario's own ``Lexicon`` (``Lexicon.for_scenario``), so a
second scenario needs no code change.

Speed matters (the composer rescores on every keystroke, the benchmark asks for
20,000 commitments/s), so all phrases are compiled into ONE regular expression
shaped as a trie: the regex engine decides by the first letters which branch can
match, instead of trying a hundred alternatives at every position. Dates,
"within N days", numbers with units and durations are a second, numeric regex.
Matching is case-insensitive (the text is lower-cased once) and respects word
boundaries.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from functools import lru_cache

# Tags ------------------------------------------------------------------------
VAGUE = "vague"  # a vague term: -5 (SCORING.md "Vague markers")
UNDEFINED = "undefined"  # a term of art that needs a definition (forgiven when one is given)
PHASED = "phased"  # "phased manner": vague only when no phase is listed
VERB_CONCRETE = "verb:concrete"
VERB_PROCEDURAL = "verb:procedural"
VERB_ASPIRATIONAL = "verb:aspirational"
LEMMA = "lemma:"  # prefix: the base form of a verb ("lemma:freeze")
VERIFY_NAMED = "verify:named"  # a verifier the scenario recognises, independent of the parties
VERIFY_PARTY = "verify:party"  # a named body of the parties the scenario recognises (a joint commission)
VERIFY_ACCESS = "verify:access"  # joint / on-site / inspectors: access, but nobody named
VERIFY_OBSERVERS = "verify:observers"  # observers, monitors, imagery, an unnamed "international" body
VERIFY_OTHER = "verify:other"  # journalists, self-reporting
FIELD_ACCESS = "field:access"  # only inside the verification field ("joint", "access")
FIELD_OBSERVERS = "field:observers"  # only inside the verification field ("UN", "reports")
DUE = "due:"  # prefix of a deadline fact: "due:<kind>:<n>:<tier>" (see ``deadline_facts``)
DEADLINE_VAGUE = "deadline:vague"
TRIGGER = "trigger"
DURATION = "duration"  # permanence, snap-back, "for N years"
SNAPBACK = "snapback"
IRREVERSIBLE = "irreversible"
INVITE = "invite"  # GRIT: a step that asks for a response
DEFINITION = "definition"
SITE = "site"  # a place of the scenario's gazetteer
OBJECT = "object"
QUANTITY = "quantity"

# Deadline tiers (points in SpecificityPoints): a date 3, a year 2, written but unreadable 1.5, vague 1.
TIER_DATE, TIER_YEAR, TIER_VAGUE = 3, 2, 1

VAGUE_ACTORS = frozenset(
    {"both sides", "the parties", "all parties", "the two sides", "the two countries", "both", "all", "everyone"}
    | {"the international community", "international community", "parties", "sides", "we", "they"}
)

# Phrases ----------------------------------------------------------------------
# (label shown to players, variants, tags). Variants are lower case; a space
# matches any run of whitespace and a hyphen is optional ("on-site" = "on site"
# = "onsite").

_VAGUE_ENTRIES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    (
        "work toward",
        (
            "work toward",
            "work towards",
            "working toward",
            "working towards",
            "works toward",
            "works towards",
            "worked toward",
            "worked towards",
        ),
        (VERB_ASPIRATIONAL,),
    ),
    (
        "join efforts",
        (
            "join efforts",
            "joins efforts",
            "joining efforts",
            "joined efforts",
            "join their efforts",
            "join our efforts",
        ),
        (VERB_ASPIRATIONAL,),
    ),
    (
        "make efforts",
        (
            "make efforts",
            "makes efforts",
            "making efforts",
            "make every effort",
            "make best efforts",
            "make their best efforts",
            "make its best efforts",
            "best efforts",
        ),
        (VERB_ASPIRATIONAL,),
    ),
    ("strive", ("strive", "strives", "striving", "strove"), (VERB_ASPIRATIONAL,)),
    (
        "endeavour",
        (
            "endeavour",
            "endeavours",
            "endeavouring",
            "endeavoured",
            "endeavor",
            "endeavors",
            "endeavoring",
            "endeavored",
        ),
        (VERB_ASPIRATIONAL,),
    ),
    ("seek", ("seek", "seeks", "seeking", "sought"), (VERB_ASPIRATIONAL,)),
    ("promote", ("promote", "promotes", "promoting", "promoted", "promotion of"), (VERB_ASPIRATIONAL,)),
    ("explore", ("explore", "explores", "exploring", "explored"), (VERB_ASPIRATIONAL,)),
    ("discuss", ("discuss", "discusses", "discussing", "discussed", "discussion", "discussions"), (VERB_ASPIRATIONAL,)),
    (
        "consult",
        ("consult", "consults", "consulting", "consulted", "consultation", "consultations"),
        (VERB_ASPIRATIONAL,),
    ),
    ("consider", ("consider", "considers", "considering"), (VERB_ASPIRATIONAL,)),
    (
        "take steps",
        ("take steps", "take appropriate steps", "take necessary steps", "take measures"),
        (VERB_ASPIRATIONAL,),
    ),
    ("as soon as possible", ("as soon as possible", "asap"), (DEADLINE_VAGUE,)),
    (
        "at an early date",
        ("at an early date", "at the earliest date", "at an early stage", "early date"),
        (DEADLINE_VAGUE,),
    ),
    (
        "at an appropriate time",
        ("at an appropriate time", "at the appropriate time", "in due course", "at a later stage", "at some point"),
        (DEADLINE_VAGUE,),
    ),
    ("in the near future", ("in the near future", "near future", "soon"), (DEADLINE_VAGUE,)),
    (
        "as conditions ripen",
        ("as conditions ripen", "when conditions ripen", "when conditions allow"),
        (DEADLINE_VAGUE,),
    ),
    ("eventually", ("eventual", "eventually"), (DEADLINE_VAGUE,)),
    ("corresponding measures", ("corresponding measures", "corresponding steps"), ()),
    ("in the spirit of", ("in the spirit of",), ()),
    (
        "complete denuclearization",
        (
            "complete denuclearization",
            "complete denuclearisation",
            "complete and verifiable denuclearization",
            "full denuclearization",
            "final denuclearization",
        ),
        (UNDEFINED,),
    ),
    (
        "new relations",
        (
            "new relations",
            "new relationship",
            "new bilateral relations",
        ),
        (),
    ),
    (
        "security guarantees",
        ("security guarantees", "security guarantee"),
        (UNDEFINED,),
    ),
    ("mutual confidence", ("mutual confidence", "mutual trust"), ()),
    ("substantial progress", ("substantial progress", "meaningful progress", "significant progress"), ()),
    ("comprehensive", ("comprehensive", "comprehensively"), ()),
    (
        "as appropriate",
        (
            "as appropriate",
            "where appropriate",
            "if appropriate",
            "as necessary",
            "if necessary",
            "appropriate measures",
            "necessary measures",
        ),
        (),
    ),
    ("in principle", ("in principle",), ()),
    ("to the extent possible", ("to the extent possible", "where possible", "as far as possible"), ()),
    # Sweeping scope without an object: "including everything" promises nothing in particular.
    (
        "everything",
        (
            "everything",
            "including everything",
            "anything",
            "all of it",
            "all of them",
            "any and all",
            "each and every",
            "whatever",
            "and so on",
            "et cetera",
            "etc",
            "and more",
            "all relevant",
            "all necessary",
            "all related",
        ),
        (),
    ),
    (
        "concrete steps",
        (
            "concrete steps",
            "concrete measures",
            "meaningful steps",
            "tangible steps",
            "bold steps",
            "significant steps",
            "practical steps",
            "further steps",
            "substantive steps",
        ),
        (),
    ),
    (
        "in a verifiable manner",
        (
            "in a verifiable manner",
            "verifiable and irreversible",
            "complete, verifiable and irreversible",
        ),
        (UNDEFINED,),
    ),
    (
        "denuclearization",
        ("denuclearization", "denuclearisation", "denuclearize", "denuclearise"),
        (UNDEFINED,),
    ),
    (
        "to be determined",
        ("to be determined", "tbd", "to be agreed", "to be decided", "when ready", "when appropriate", "in due time"),
        (DEADLINE_VAGUE,),
    ),
]

# "all", "complete", "fully" with no object after them ("dismantle all.", "denuclearize completely"),
# and "complete"/"full"/"total" before an abstract noun that names no object ("full normalization").
# The words are phrases of the trie (tag MAYBE_NO_OBJECT); what follows them is checked here.
MAYBE_NO_OBJECT = "maybe-no-object"
_SCOPE_WORDS = ("all", "complete", "completely", "fully", "totally", "entirely", "wholly", "full", "total", "entire")
_NOTHING_AFTER_RE = re.compile(r"\s*(?:$|[.,;:!?)\]])")
_ABSTRACT_AFTER_RE = re.compile(r"\s+\w+(?:ization|isation|ment|tion|sion)\b(?!\s+(?:of|at|in|on|for)\b)")
_ADJECTIVES = frozenset({"complete", "full", "total", "entire"})
_NEVER_ALONE = frozenset({"full", "total", "entire"})  # "in full" is a phrase, not a vague promise


def no_object_after(s: str, word: str, end: int) -> bool:
    """Is the scope word ``word`` that ends at ``end`` left without an object?"""
    if word not in _NEVER_ALONE and _NOTHING_AFTER_RE.match(s, end):
        return True
    return word in _ADJECTIVES and _ABSTRACT_AFTER_RE.match(s, end) is not None


NO_OBJECT_LABEL = "complete / all (no object)"

# Names of kinds of documents that contain a vague or verb-like word are not vague and
# are not deeds. A scenario's places add their own ("<place> declaration", see
# ``DOCUMENT_SUFFIXES``), so "the Old Bridge Declaration" names a text, not a declaration.
_NEUTRAL = (
    "joint statement",
    "joint declaration",
    "comprehensive military agreement",
    "comprehensive nuclear-test-ban treaty",
    "comprehensive nuclear test ban treaty",
    "comprehensive test ban",
)
DOCUMENT_SUFFIXES = (
    "declaration",
    "joint declaration",
    "statement",
    "joint statement",
    "summit",
    "agreement",
    "accord",
    "framework",
    "communique",
)

# Verbs (inflected automatically) and their nouns ("freeze", "withdrawal").
_CONCRETE_VERBS = (
    "freeze",
    "seal",
    "dismantle",
    "withdraw",
    "deliver",
    "suspend",
    "declare",
    "allow",
    "grant",
    "give",
    "remove",
    "destroy",
    "demolish",
    "ship",
    "repatriate",
    "return",
    "close",
    "shut down",
    "halt",
    "stop",
    "cease",
    "lift",
    "ease",
    "exempt",
    "waive",
    "open",
    "reopen",
    "provide",
    "transfer",
    "pay",
    "release",
    "reduce",
    "cap",
    "ban",
    "prohibit",
    "permit",
    "sign",
    "ratify",
    "disable",
    "decommission",
    "pull back",
    "cancel",
    "scale down",
    "exchange",
    "demine",
    "disarm",
    "verify",
    "inspect",
    "hand over",
    "publish",
    "notify",
    "raise",
    "maintain",
    "tighten",
    "visit",
    "recover",
    "dispatch",
    "refrain",
    "relocate",
    "supply",
    "fund",
    "admit",
    "accept",
    "enforce",
    "terminate",
    "limit",
    "restrict",
    "restore",
    "submit",
    "designate",
    "dissolve",
    "evacuate",
    "reunite",
    "host",
    "deploy",
    "blow up",
    "dispose",
    "surrender",
    "export",
    "import",
    "deactivate",
    "dismount",
    "lower",
    "cut",
)
_CONCRETE_NOUNS = (
    "freeze",
    "moratorium",
    "withdrawal",
    "dismantlement",
    "dismantling",
    "delivery",
    "deliveries",
    "suspension",
    "declaration",
    "removal",
    "destruction",
    "demolition",
    "repatriation",
    "closure",
    "shutdown",
    "halt",
    "cessation",
    "exemption",
    "exemptions",
    "waiver",
    "transfer",
    "release",
    "reduction",
    "ban",
    "ratification",
    "decommissioning",
    "demining",
    "disarmament",
    "inspection of",
    "access to",
    "return of",
)
_PROCEDURAL_VERBS = (
    "establish",
    "set up",
    "hold talks",
    "hold a meeting",
    "hold meetings",
    "hold a summit",
    "hold",
    "meet",
    "convene",
    "negotiate",
    "create",
    "launch",
    "begin talks",
    "start talks",
    "continue talks",
    "resume talks",
    "appoint",
    "study",
    "review",
    "arrange",
    "organise",
    "organize",
    "build",
    "develop",
    "cooperate",
    "coordinate",
    "engage",
    "exchange views",
)
_ASPIRATIONAL_VERBS = (
    "aim",
    "aspire",
    "hope",
    "intend",
    "pursue",
    "improve",
    "strengthen",
    "enhance",
    "encourage",
    "facilitate",
    "foster",
    "advance",
    "recognize",
    "recognise",
    "welcome",
    "respect",
    "reaffirm",
    "affirm",
)

_IRREGULAR = {
    "freeze": ("froze", "frozen"),
    "withdraw": ("withdrew", "withdrawn"),
    "give": ("gave", "given"),
    "hold": ("held",),
    "meet": ("met",),
    "build": ("built",),
    "shut": ("shut",),
    "set": ("set",),
    "cut": ("cut",),
    "blow": ("blew", "blown"),
}
_DOUBLE = {"stop", "ban", "cap", "ship", "plan", "admit", "permit", "submit", "scrap", "cut", "set", "shut"}


def _inflect(word: str) -> tuple[str, ...]:
    if word.endswith(("s", "sh", "ch", "x", "z")):
        third = word + "es"
    elif word.endswith("y") and word[-2] not in "aeiou":
        third = word[:-1] + "ies"
    else:
        third = word + "s"
    if word in _DOUBLE:
        past, ing = word + word[-1] + "ed", word + word[-1] + "ing"
    elif word.endswith("e"):
        past, ing = word + "d", (word if word.endswith("ee") else word[:-1]) + "ing"
    elif word.endswith("y") and word[-2] not in "aeiou":
        past, ing = word[:-1] + "ied", word + "ing"
    else:
        past, ing = word + "ed", word + "ing"
    return (word, third, past, ing, *_IRREGULAR.get(word, ()))


def verb_forms(verb: str) -> tuple[str, ...]:
    """Inflect the first word of a (phrasal) verb: "pull back" -> "pulled back"..."""
    head, _, rest = verb.partition(" ")
    tail = f" {rest}" if rest else ""
    return tuple(dict.fromkeys(f"{form}{tail}" for form in _inflect(head)))


# Verification mechanisms in general words. Who the recognised verifiers are (an
# atomic-energy agency, a neutral commission, a joint military committee) is the
# scenario's business: its ``verifiers`` compile into VERIFY_NAMED / VERIFY_PARTY.
_VERIFIERS = [
    # access, by the parties themselves or the other side's inspectors: 12
    (
        VERIFY_ACCESS,
        (
            "joint verification",
            "joint inspection",
            "joint inspections",
            "joint on-site",
            "on-site verification",
            "on-site inspection",
            "on-site inspections",
            "mutual verification",
            "mutual inspection",
            "mutual inspections",
            "inspectors",
            "inspector",
            "experts present",
            "verification visits",
            "verification visit",
            "joint recovery teams",
            "continuous access",
        ),
    ),
    # a method without named access: 8
    (
        VERIFY_OBSERVERS,
        (
            "observers",
            "monitors",
            "monitoring",
            "monitored",
            "satellite imagery",
            "commercial imagery",
            "national technical means",
            "observer",
        ),
    ),
    # witnesses, not verifiers: 4
    # witnesses, self-reporting, and bodies that claim independence but name nobody: 4
    (
        VERIFY_OTHER,
        (
            "journalists",
            "journalist",
            "media",
            "press",
            "self-reported",
            "self-declared",
            "international inspectors",
            "independent inspectors",
            "third-party inspectors",
            "international experts",
            "independent experts",
            "third party",
            "third-party",
        ),
    ),
    # only inside the verification field
    (FIELD_ACCESS, ("joint", "mutual", "on-site", "inspection", "inspections", "inspect", "access")),
    (
        FIELD_OBSERVERS,
        (
            "review",
            "reports",
            "report",
            "reporting",
            "imagery",
            "monitor",
            "photographs",
            "photos",
            "video",
        ),
    ),
]

_OBJECTS = (
    "aid",
    "assistance",
    "energy",
    "electricity",
    "electric power",
    "fuel",
    "heavy oil",
    "heavy fuel oil",
    "investment",
    "trade",
    "relief",
    "embargo",
    "tariffs",
    "assets",
    "loans",
    "nuclear weapons",
    "nuclear programs",
    "nuclear programmes",
    "nuclear facilities",
    "light-water reactor",
    "light-water reactors",
    "spent fuel",
    "diplomatic relations",
    "peace treaty",
    "border",
    "safeguards",
    "abductees",
    "prisoners",
    "fissile material",
    "plutonium",
    "uranium",
    "enrichment",
    "reactor",
    "reactors",
    "reprocessing",
    "warhead",
    "warheads",
    "icbm",
    "icbms",
    "missile",
    "missiles",
    "launcher",
    "launchers",
    "launch pad",
    "engine test stand",
    "test stand",
    "test site",
    "tunnels",
    "guard post",
    "guard posts",
    "remains",
    "sanctions",
    "exercise",
    "exercises",
    "drills",
    "liaison office",
    "liaison offices",
    "food aid",
    "rice",
    "fertilizer",
    "coal",
    "textiles",
    "seafood",
    "petroleum",
    "oil",
    "workers",
    "no-fly zone",
    "no-fly zones",
    "buffer zone",
    "buffer zones",
    "artillery",
    "landmines",
    "mines",
    "firearms",
    "troops",
    "personnel",
    "aircraft",
    "flights",
    "bombers",
    "aircraft carriers",
    "submarines",
    "facilities",
    "facility",
    "tests",
    "nuclear test",
    "nuclear tests",
    "missile tests",
    "weapons",
    "designations",
    "reunions",
    "families",
    "railway",
    "rail",
    "road",
    "roads",
    "office",
    "offices",
    "drones",
    "field training",
    "live-fire",
    "patrols",
    "inspections",
)
_TRIGGERS = (
    "upon",
    "once",
    "in parallel with",
    "in parallel",
    "in exchange for",
    "in return for",
    "conditional on",
    "conditional upon",
    "conditioned on",
    "conditioned upon",
    "provided that",
    "subject to",
    "contingent on",
    "contingent upon",
    "simultaneously",
    "simultaneous with",
    "in step with",
    "after verification",
    "following verification",
    "on condition that",
    "in response to",
)
_DURATIONS = (
    "permanent",
    "permanently",
    "permanence",
    "indefinitely",
    "indefinite",
    "for the duration of",
    "until",
    "renewable",
    "for as long as",
)
_SNAPBACKS = (
    "snap-back",
    "snapback",
    "snap back",
    "snaps back",
    "reimpose",
    "reimposed",
    "re-impose",
    "re-imposed",
    "reinstate",
    "reinstated",
    "reversible",
    "revocable",
    "restored if",
    "lapses if",
)
_IRREVERSIBLES = ("irreversible", "irreversibly")
_INVITES = (
    "invite",
    "invites",
    "inviting",
    "invitation",
    "in the expectation that",
    "expects a corresponding",
    "expect a corresponding",
    "calls on",
    "call on",
    "reciprocate",
    "reciprocal step",
    "in the hope that",
    "as a first step",
    "goodwill gesture",
    "unilateral",
    "unilaterally",
    "respond in kind",
    "invites a response",
)
_DEFINITIONS = (
    "defined as",
    "means",
    "meaning",
    "i.e.",
    "namely",
    "that is,",
    "including",
    "comprising",
    "consisting of",
    "specifically",
    "listed in",
    "as listed",
    "annex",
    "covers",
    "covering",
    "as follows",
    "which comprises",
)
# Deadline phrases and the fact each states: (kind, number, tier). Kinds: "days" and
# "rounds" count from the current round; "years" is the end of the current in-game
# year plus N. ``deadline_facts`` turns them into in-game dates.
_DEADLINE_PHRASES = {
    "next round": ("rounds", 1, TIER_DATE),
    "this round": ("rounds", 0, TIER_DATE),
    "end of the round": ("rounds", 0, TIER_DATE),
    "end of this round": ("rounds", 0, TIER_DATE),
    "upon signature": ("days", 0, TIER_DATE),
    "upon signing": ("days", 0, TIER_DATE),
    "on signature": ("days", 0, TIER_DATE),
    "on signing": ("days", 0, TIER_DATE),
    "at signing": ("days", 0, TIER_DATE),
    "at signature": ("days", 0, TIER_DATE),
    "tomorrow": ("days", 1, TIER_DATE),
    "next week": ("days", 14, TIER_DATE),
    "this week": ("days", 7, TIER_DATE),
    "this year": ("years", 0, TIER_YEAR),
    "next year": ("years", 1, TIER_YEAR),
    "by year-end": ("years", 0, TIER_YEAR),
    "by year end": ("years", 0, TIER_YEAR),
    "end of the year": ("years", 0, TIER_YEAR),
    "end of this year": ("years", 0, TIER_YEAR),
    "within the year": ("years", 0, TIER_YEAR),
    "year's end": ("years", 0, TIER_YEAR),
    "immediately": ("days", 0, TIER_YEAR),
    "at once": ("days", 0, TIER_YEAR),
    "without delay": ("days", 0, TIER_YEAR),
    "this month": ("days", 31, TIER_YEAR),
    "next month": ("days", 62, TIER_YEAR),
    "this summer": ("days", 183, TIER_YEAR),
    "this spring": ("days", 183, TIER_YEAR),
    "this autumn": ("days", 183, TIER_YEAR),
    "this winter": ("days", 183, TIER_YEAR),
    "this fall": ("days", 183, TIER_YEAR),
}


def due_tag(kind: str, number: int, tier: int) -> str:
    return f"{DUE}{kind}:{number}:{tier}"


_WORD_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "sixty": 60,
    "ninety": 90,
    "hundred": 100,
}
# In-game days per time unit; "round" is counted in rounds.
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365, "hour": 0}
_TIME_UNITS = ("day", "week", "month", "year", "round", "hour")


def _time_fact(number: int, unit: str) -> tuple[str, int]:
    """("rounds", n) for rounds, ("days", n x days per unit) otherwise."""
    if unit == "round":
        return "rounds", number
    return "days", number * _UNIT_DAYS[unit]


def _spelled(prefixes: tuple[str, ...]) -> dict[str, tuple[str, int]]:
    return {
        f"{pre} {word} {unit}{plural}": _time_fact(number, unit)
        for pre in prefixes
        for word, number in _WORD_NUMBERS.items()
        for unit in _TIME_UNITS
        for plural in ("", "s")
    }


_SPELLED_WITHIN = _spelled(("within", "in", "after", "within the next", "in the next"))
_SPELLED_FOR = tuple(_spelled(("for", "for at least")))


def _generic_entries() -> list[tuple[Iterable[str], tuple[str, ...], str | None]]:
    """(phrases, tags, label) of the English of agreements; later entries add tags to earlier ones."""
    entries: list[tuple[Iterable[str], tuple[str, ...], str | None]] = []
    for label, variants, tags in _VAGUE_ENTRIES:
        entries.append((variants, (VAGUE, *tags), label))
    entries.append((_PHASED_VARIANTS, (PHASED,), "phased manner"))
    entries.append((_NEUTRAL, (), None))
    for verbs, tag in ((_CONCRETE_VERBS, VERB_CONCRETE), (_PROCEDURAL_VERBS, VERB_PROCEDURAL),
                       (_ASPIRATIONAL_VERBS, VERB_ASPIRATIONAL)):  # fmt: skip
        for verb in verbs:
            entries.append((verb_forms(verb), (tag, LEMMA + verb), None))
    entries.append((_CONCRETE_NOUNS, (VERB_CONCRETE,), None))
    for tag, phrases in _VERIFIERS:
        entries.append((phrases, (tag,), None))
    entries += [
        (_OBJECTS, (OBJECT,), None),
        (_TRIGGERS, (TRIGGER,), None),
        (_DURATIONS, (DURATION,), None),
        (_SNAPBACKS, (DURATION, SNAPBACK), None),
        (_IRREVERSIBLES, (DURATION, IRREVERSIBLE), None),
        (("permanently",), (IRREVERSIBLE,), None),  # a permanent step; "a permanent peace regime" is not one
        (_INVITES, (INVITE,), None),
        (_DEFINITIONS, (DEFINITION,), None),
        (_SCOPE_WORDS, (MAYBE_NO_OBJECT,), None),
        (("upon signature", "upon signing"), (TRIGGER,), None),
        (_SPELLED_FOR, (DURATION,), None),
    ]
    for phrase, (kind, number, tier) in _DEADLINE_PHRASES.items():
        entries.append(((phrase,), (due_tag(kind, number, tier),), None))
    for phrase, (kind, number) in _SPELLED_WITHIN.items():
        entries.append(((phrase,), (due_tag(kind, number, TIER_DATE),), None))
    return entries


_PHASED_VARIANTS = ("phased manner", "step-by-step manner", "phased and synchronized manner")
_SQUASH = str.maketrans("", "", " \t\n\r-")
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-"})


def normalise(phrase: str) -> str:
    """The lookup key of a phrase: lower case, no spaces or hyphens."""
    return phrase.lower().translate(_DASHES).translate(_SQUASH)


def lower(text: str) -> str:
    text = text.lower()
    return text if text.isascii() else text.translate(_DASHES)


def _trie_regex(phrases: Iterable[str]) -> str:
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def piece(ch: str) -> str:
        if ch == " ":
            return r"\s+"
        if ch == "-":
            return r"[\s-]?"
        return re.escape(ch)

    def emit(node: dict) -> str:
        end = "" in node
        branches = [piece(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?"
        return body

    return emit(trie)


def _info(label: str, tags: tuple[str, ...]) -> tuple:
    verb = next((t for t in tags if t.startswith("verb:")), None)
    lemma = next((t[len(LEMMA) :] for t in tags if t.startswith(LEMMA)), None)
    dues = tuple(t for t in tags if t.startswith(DUE))
    return label, frozenset(tags), verb, lemma, VAGUE in tags, UNDEFINED in tags, dues, MAYBE_NO_OBJECT in tags


class Lexicon:
    """A compiled vocabulary: the generic English of agreements plus one scenario's names.

    ``entries`` maps a normalised phrase to (label, tags); ``raw`` maps each written
    variant to its entry, so most matches skip normalisation; ``phrase_re`` is the one
    trie-shaped regular expression. ``field_cache`` keeps the scans of field texts
    for this vocabulary (see specificity._scan_field).
    """

    def __init__(self, extra: Iterable[tuple[Iterable[str], tuple[str, ...], str | None]] = ()) -> None:
        lex: dict[str, tuple[str, tuple[str, ...]]] = {}
        variants: set[str] = set()
        for phrases, tags, label in [*_generic_entries(), *extra]:
            for phrase in phrases:
                written = lower(phrase).strip()
                if not written:
                    continue
                key = normalise(written)
                old_label, old_tags = lex.get(key, (None, ()))
                lex[key] = (old_label or label or written, tuple(dict.fromkeys((*old_tags, *tags))))
                variants.add(written)
        self.entries = lex
        self.raw = {v: lex[normalise(v)] for v in variants}
        # What the scan needs from a match, worked out once: (label, tags, verb class, lemma,
        # vague, undefined, deadline facts).
        self.info = {key: _info(label, tags) for key, (label, tags) in lex.items()}
        self.raw_info = {v: self.info[normalise(v)] for v in variants}
        self.phrase_re = re.compile(r"(?<![\w])(?:" + _trie_regex(sorted(variants)) + r")(?![\w])")
        self.field_cache: dict[tuple[str, str], tuple] = {}

    @staticmethod
    @lru_cache(maxsize=32)
    def for_scenario(
        places: tuple[tuple[str, tuple[str, ...]], ...] = (),
        verifiers: tuple[tuple[str, tuple[str, ...], str], ...] = (),
        vague: tuple[tuple[str, tuple[str, ...], bool], ...] = (),
    ) -> Lexicon:
        """The generic lexicon plus a scenario's gazetteer and recognised verifiers.

        ``places``: (name, aliases); each is a SITE, "<place> declaration" and the
        like are names of documents (neither a site nor a deed), and "<place> area"
        is a term that needs a definition. ``verifiers``: (name, aliases, kind),
        kind "third-party" (independent of the parties) or "party" (a named body of
        the parties, such as a joint military committee). ``vague``: (name, aliases,
        needs_definition), the formulas of this case that promise nothing checkable
        (a vague term, or a term of art that needs a definition).
        """
        if not places and not verifiers and not vague:
            return GENERIC
        extra: list[tuple[Iterable[str], tuple[str, ...], str | None]] = []
        for name, aliases in places:
            names = (name, *aliases)
            extra.append((names, (SITE,), name))
            extra.append(([f"{n} {suffix}" for n in names for suffix in DOCUMENT_SUFFIXES], (), None))
            extra.append(([f"{n} {word}" for n in names for word in ("area", "complex", "region")],
                          (UNDEFINED, SITE), None))  # fmt: skip
        for name, aliases, kind in verifiers:
            tag = VERIFY_NAMED if kind == "third-party" else VERIFY_PARTY
            extra.append(((name, *aliases), (tag,), name))
        for name, aliases, needs_definition in vague:
            extra.append(((name, *aliases), (VAGUE, UNDEFINED) if needs_definition else (VAGUE,), name))
        return Lexicon(extra)


GENERIC = Lexicon()
LEXICON = GENERIC.entries
RAW_LEXICON = GENERIC.raw
PHRASE_RE = GENERIC.phrase_re

# Numeric markers ---------------------------------------------------------------
# Numbers are found with a plain ``\d+`` scan (fast), then read in context: the
# form that follows (a date, "30 days", "11 guard posts") and the words before
# ("within", "for", "round", a month, "by"). Spelled-out numbers ("within six
# months", "for two years") are phrases of the trie above.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTH_NUMBERS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
MONTHS = frozenset(MONTH_NUMBERS)
NUMBER_RE = re.compile(r"\d+")
FORWARD_RE = re.compile(
    "|".join(
        (
            r"(?P<iso>\d{4}-\d{1,2}-\d{1,2}\b)",
            r"(?P<slash>\d{1,2}/\d{1,2}/\d{2,4}\b)",
            rf"(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmy_month>{_MONTH})\b\.?"
            r"(?:,?\s+(?P<dmy_year>(?:19|2\d)\d\d)\b)?)",
            r"(?P<time>\d+(?P<dash>-|\s+)(?:calendar\s+|working\s+|business\s+)?"
            r"(?P<time_unit>day|week|month|year|round|hour)"
            r"(?P<plural>s)?\b(?P<after>\s+(?:after|of|from|following)\b)?)",
            r"(?P<year>(?:19|2\d)\d\d\b)",
            r"(?P<qty>\d[\d,]*(?:\.\d+)?\s*(?P<unit>%|[a-z][a-z/-]*))",
        )
    )
)
WITHIN_WORDS = frozenset({"within", "in", "after", "before", "inside", "next", "first"})
YEAR_WORDS = frozenset({"by", "in", "before", "during", "until", "through"})
TEMPORAL_WORDS = frozenset(
    {
        "by",
        "before",
        "from",
        "on",
        "until",
        "till",
        "than",
        "starting",
        "beginning",
        "effective",
        "after",
        "through",
        "commencing",
        "since",
        "due",
    }
)

NOT_UNITS = frozenset(
    [
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "round",
        "rounds",
        "hour",
        "hours",
        "minute",
        "minutes",
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
        "st",
        "nd",
        "rd",
        "th",
        "am",
        "pm",
        "and",
        "or",
        "the",
        "to",
        "of",
        "in",
        "on",
        "by",
        "at",
        "for",
        "from",
        "with",
        "a",
        "an",
        "is",
        "are",
        "was",
        "were",
        "be",
        "each",
        "both",
        "between",
        "per",
        "than",
        "as",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "if",
        "but",
        "not",
        "no",
        "nor",
        "into",
        "onto",
        "within",
        "after",
        "before",
        "under",
        "over",
        "until",
    ]
)


def _temporal(words: list[str], k: int) -> bool:
    """Is the word before position k (skipping "the") a temporal preposition?"""
    if k >= 1 and words[k - 1] == "the":
        k -= 1
    if k < 1:
        return False
    if words[k - 1] == "of":  # "as of", "the end of"
        return k >= 2 and words[k - 2] in ("as", "end")
    return words[k - 1] in TEMPORAL_WORDS


_YEAR_AFTER = re.compile(r"(?:st|nd|rd|th)?\.?,?\s+((?:19|2\d)\d\d)\b")


def _date_tag(year: int | None, month: int, day: int, tier: int = TIER_DATE) -> str | None:
    """A date fact; None for an impossible date (31 February). Without a year, the
    month and day are kept and the year is read from the calendar."""
    try:
        if year is None:
            datetime.date(2020, month, day)  # a leap year: 29 February is possible
            return due_tag("md", month * 100 + day, tier)
        return due_tag("date", datetime.date(year, month, day).toordinal(), tier)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).toordinal()


def _written_date(m: re.Match) -> str | None:
    """The fact of an ISO, slashed or day-month date matched by FORWARD_RE."""
    group = m.lastgroup
    if group == "iso":
        year, month, day = (int(x) for x in m.group("iso").split("-"))
        return _date_tag(year, month, day)
    if group == "slash":
        a, b, year = (int(x) for x in m.group("slash").split("/"))
        year += 2000 if year < 100 else 0
        month, day = (b, a) if a > 12 else (a, b)  # 25/12/2019 is day first; 3/1/2019 reads as March 1
        return _date_tag(year, month, day)
    day = int(re.match(r"\d+", m.group("dmy")).group())
    year = m.group("dmy_year")
    return _date_tag(int(year) if year else None, MONTH_NUMBERS[m.group("dmy_month")], day)


def numeric_markers(
    s: str, found: set[str], dues: list[str], units: set[str], *, deadline_field: bool, quantity_field: bool
) -> None:
    """Read the numbers in ``s``: deadline facts (``due:...``) go to ``dues``, unit classes
    ("mass", "count", "?" when not a unit) to ``units``, DURATION and QUANTITY to ``found``."""
    end = 0
    for n in NUMBER_RE.finditer(s):
        p = n.start()
        if p < end:
            continue
        before = s[p - 1] if p else " "
        if before.isalpha() or before in ".,-/":
            continue  # inside a word or a number ("F-35", "1,000", "40/20" handled at "40")
        m = FORWARD_RE.match(s, p)
        group = m.lastgroup if m is not None else None
        end = m.end() if m is not None else n.end()
        words = s[max(0, p - 40) : p].split()
        k = len(words)
        last = words[-1] if k else ""
        if before in "$\u20ac\u00a3\u00a5\u20a9":
            if quantity_field:
                found.add(QUANTITY)
                units.add("money")
        elif group in ("iso", "slash", "dmy"):
            if deadline_field or _temporal(words, k):
                tag = _written_date(m)
                if tag:
                    dues.append(tag)
        elif group == "time":
            number = int(n.group())
            unit = m.group("time_unit")
            if m.group("after") or last in WITHIN_WORDS:
                dues.append(due_tag(*_time_fact(number, unit), TIER_DATE))
            elif last == "for" or (k >= 3 and words[-3] == "for" and words[-2] == "at" and last == "least"):
                found.add(DURATION)
            elif m.group("dash") == "-" and not m.group("plural"):
                found.add(DURATION)  # "a 10-year moratorium"
            elif quantity_field:
                found.add(QUANTITY)
                units.add("time")
        elif last in ("round", "turn"):
            dues.append(due_tag("round", int(n.group()), TIER_DATE))
        elif last.rstrip(".") in MONTHS:
            # "November 1, 2018" (a date) or "November 2018" (a month)
            if deadline_field or _temporal(words, k - 1):
                month = MONTH_NUMBERS[last.rstrip(".")]
                if group == "year":
                    dues.append(due_tag("date", _month_end(int(n.group()), month), TIER_YEAR))
                else:
                    year = _YEAR_AFTER.match(s, n.end())
                    if year is not None:
                        end = year.end()
                    tag = _date_tag(int(year.group(1)) if year else None, month, int(n.group()))
                    if tag:
                        dues.append(tag)
        elif group == "year":
            if last in YEAR_WORDS or deadline_field or _temporal(words, k):
                dues.append(due_tag("year", int(n.group()), TIER_YEAR))
        elif group == "qty" and quantity_field:
            unit = m.group("unit")
            head = unit.split("-", 1)[0].split("/", 1)[0]
            if head not in NOT_UNITS:
                found.add(QUANTITY)
                units.add(unit_class(s[m.start("unit") : m.start("unit") + 60]) or "?")


DIGIT_RE = re.compile(r"\d")


# Units and the actions they measure ----------------------------------------------
# "A quantity needs a unit that fits its action": tonnes measure a delivery, not a
# withdrawal of guard posts; kilometres measure a pull-back, not a delivery.
_UNIT_WORDS = {
    "mass": ("t", "tonne", "ton", "mt", "kg", "kilogram", "kilo", "gram", "lb", "pound"),
    "volume": ("barrel", "bbl", "litre", "liter", "gallon", "m3", "cubic"),
    "money": ("usd", "dollar", "won", "krw", "yuan", "rmb", "euro", "eur", "yen", "rouble", "ruble", "$"),
    "distance": ("km", "kilometre", "kilometer", "mile", "nm", "nautical", "metre", "meter", "m"),
    "area": ("km2", "km\u00b2", "square", "hectare", "ha"),
    "power": ("mwe", "mw", "mwt", "megawatt", "kw", "kilowatt", "gw", "gigawatt"),
    "percent": ("%", "percent", "per cent", "pct"),
    "time": ("day", "week", "month", "year", "hour", "round"),
    "count": (
        "post", "guard post", "personnel", "troop", "soldier", "worker", "inspector", "expert", "observer",
        "monitor", "warhead", "missile", "icbm", "launcher", "reactor", "centrifuge", "cascade", "site", "facility",
        "plant", "tunnel", "unit", "item", "piece", "box", "set", "case", "remains", "shipment", "cargo",
        "container", "tanker", "ship", "vessel", "aircraft", "flight", "sortie", "bomber", "carrier", "submarine",
        "exercise", "drill", "visit", "meeting", "family", "people", "person", "individual", "project", "office",
        "battery", "gun", "howitzer", "mine", "landmine", "weapon", "firearm", "vehicle", "truck", "wagon", "train",
        "dose", "bag", "sack", "crate", "pallet", "reunion", "crossing", "checkpoint", "zone", "patrol",
        "battalion", "regiment", "brigade", "division", "jet", "helicopter", "drone", "launch", "test", "position",
        "bunker", "satellite", "rocket", "engine", "stand", "pad", "delegation", "delegate", "diplomat", "staff",
        "official", "student", "tourist", "prisoner", "detainee", "abductee", "defector", "refugee", "name",
        "document", "page", "designation", "entity", "company", "bank", "account", "license", "licence", "permit",
        "container", "liaison officer", "officer", "team", "camp", "division",
    ),
}  # fmt: skip
_UNIT_CLASS = {word: cls for cls, words in _UNIT_WORDS.items() for word in words}
# Skipped while looking for the unit: multipliers and common adjectives ("35 unarmed personnel").
_UNIT_SKIP = frozenset(
    {"thousand", "million", "billion", "hundred", "more", "additional", "extra", "unarmed", "armed", "of", "the",
     "metric", "short", "long", "new", "further", "large", "small", "major", "nuclear", "american", "us",
     "forward", "frontline", "front-line", "active", "declared", "each", "per", "annual"}
)  # fmt: skip
_WORD_RE = re.compile(r"[a-z0-9%$\u00b2]+(?:[.-][a-z0-9]+)*")


def _singular(word: str) -> str:
    if word in _UNIT_CLASS:
        return word
    if word.endswith("ies") and word[:-3] + "y" in _UNIT_CLASS:
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2] in _UNIT_CLASS:
        return word[:-2]
    if word.endswith("s") and word[:-1] in _UNIT_CLASS:
        return word[:-1]
    return word


@lru_cache(maxsize=4096)
def unit_class(text: str) -> str | None:
    """The class of the unit at the start of ``text`` ("guard posts" -> "count"), skipping
    multipliers and a few adjectives; None when the first real word is not a unit."""
    words = _WORD_RE.findall(lower(text))[:4]
    for i, word in enumerate(words):
        if word in _UNIT_SKIP:
            continue
        pair = f"{word} {_singular(words[i + 1])}" if i + 1 < len(words) else ""
        if pair in _UNIT_CLASS:
            return _UNIT_CLASS[pair]
        return _UNIT_CLASS.get(_singular(word))
    return None


_DELIVERY = frozenset({"mass", "volume", "money", "count", "percent"})
_REMOVAL = frozenset({"count", "distance", "percent", "mass", "volume", "area", "power"})
_LIMIT = frozenset({"count", "mass", "volume", "power", "percent", "distance", "area", "time"})
_RELIEF = frozenset({"money", "volume", "mass", "count", "percent", "time"})
_ACCESS = frozenset({"count", "time", "distance", "area"})
_ACTION_GROUPS = {
    _DELIVERY: ("deliver", "ship", "supply", "provide", "give", "transfer", "export", "import", "fund", "pay",
                "grant", "hand over", "return", "repatriate", "release", "exchange"),
    _REMOVAL: ("withdraw", "remove", "destroy", "demolish", "dismantle", "decommission", "disable", "reduce", "cut",
               "relocate", "pull back", "deactivate", "dismount", "evacuate", "demine", "disarm", "surrender",
               "close", "shut down", "blow up", "dispose", "scale down", "lower", "dissolve", "terminate"),
    _LIMIT: ("freeze", "cap", "limit", "restrict", "halt", "stop", "suspend", "cease", "ban", "prohibit", "refrain",
             "seal", "maintain"),
    _RELIEF: ("raise", "lift", "ease", "exempt", "waive", "restore", "open", "reopen"),
    _ACCESS: ("allow", "permit", "admit", "accept", "host", "visit", "inspect", "verify", "dispatch", "deploy"),
}  # fmt: skip
# verb (base form) -> the unit classes that measure it; a verb not listed takes any unit.
ACTION_UNITS = {verb: classes for classes, verbs in _ACTION_GROUPS.items() for verb in verbs}


# Taking vague words out (for hints) -----------------------------------------------
_LEFTOVER_RE = re.compile(r"\s+([,.;:])|([,;:])(?=\s*[,.;:]|\s*$)|^\s*[,.;:]\s*")


def strip_vague(text: str, lexicon: Lexicon) -> tuple[str, list[str]]:
    """``text`` without its vague terms, and their labels (nothing removed if none)."""
    low = lower(text)
    if len(low) != len(text):  # a character whose lower case is longer: positions do not map
        return text, []
    spans: list[tuple[int, int]] = []
    labels: list[str] = []
    for m in lexicon.phrase_re.finditer(low):
        entry = lexicon.raw.get(m.group()) or lexicon.entries.get(normalise(m.group()))
        if entry is not None and VAGUE in entry[1]:
            spans.append(m.span())
            labels.append(entry[0])
        elif entry is not None and MAYBE_NO_OBJECT in entry[1] and no_object_after(low, m.group(), m.end()):
            spans.append(m.span())
            labels.append(NO_OBJECT_LABEL)
    if not spans:
        return text, []
    kept, start = [], 0
    for a, b in sorted(spans):
        kept.append(text[start:a])
        start = max(start, b)
    kept.append(text[start:])
    cleaned = " ".join("".join(kept).split())
    cleaned = _LEFTOVER_RE.sub(lambda m: m.group(1) or "", cleaned).strip(" ,;:")
    return cleaned, list(dict.fromkeys(labels))


def names_object(lexicon: Lexicon, *texts: str | None) -> bool:
    """Does any text name something of substance the rules know (fissile material,
    missiles, guard posts, sanctions, aid...)? A potato or a press release does not."""
    cache = lexicon.field_cache
    for text in texts:
        if not text:
            continue
        key = ("object?", text)
        hit = cache.get(key)
        if hit is None:
            low = lower(text)
            hit = False
            for m in lexicon.phrase_re.finditer(low):
                entry = lexicon.raw.get(m.group()) or lexicon.entries.get(normalise(m.group()))
                if entry is not None and OBJECT in entry[1]:
                    hit = True
                    break
            if len(cache) < 20_000:
                cache[key] = hit
        if hit:
            return True
    return False
