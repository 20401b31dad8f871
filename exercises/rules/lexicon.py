"""The vocabulary of precision and vagueness (SCORING.md, "Vague markers" and
"Precise markers").

Gastinger & Schmidtke (2022) built a dictionary of imprecision (DIMI): one vague
term makes a sentence vague. We do the same with a small, curated lexicon. Every
phrase carries tags: what it tells the rubric (a vague term, a concrete verb, a
named verifier, a trigger word...).

Speed matters (the composer rescores on every keystroke, the benchmark asks for
20,000 commitments/s), so all phrases are compiled into ONE regular expression
shaped as a trie: the regex engine decides by the first letters which branch can
match, instead of trying a hundred alternatives at every position. Dates,
"within N days", numbers with units and durations are a second, numeric regex.
Matching is case-insensitive (the text is lower-cased once) and respects word
boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Tags ------------------------------------------------------------------------
VAGUE = "vague"  # a vague term: -5 (SCORING.md "Vague markers")
UNDEFINED = "undefined"  # a term of art that needs a definition (forgiven when one is given)
PHASED = "phased"  # "phased manner": vague only when no phase is listed
VERB_CONCRETE = "verb:concrete"
VERB_PROCEDURAL = "verb:procedural"
VERB_ASPIRATIONAL = "verb:aspirational"
VERIFY_THIRD = "verify:third"  # a named third party with access (IAEA, UN, WFP...)
VERIFY_JOINT = "verify:joint"  # joint / on-site / inspectors
VERIFY_OBSERVERS = "verify:observers"  # observers, monitors, imagery
VERIFY_OTHER = "verify:other"  # journalists, self-reporting
FIELD_THIRD = "field:third"  # only inside the verification field ("UN")
FIELD_JOINT = "field:joint"  # only inside the verification field ("joint", "access")
FIELD_OBSERVERS = "field:observers"  # only inside the verification field ("reports")
DEADLINE_DATE = "deadline:date"
DEADLINE_YEAR = "deadline:year"
DEADLINE_VAGUE = "deadline:vague"
TRIGGER = "trigger"
DURATION = "duration"  # permanence, snap-back, "for N years"
SNAPBACK = "snapback"
IRREVERSIBLE = "irreversible"
INVITE = "invite"  # GRIT: a step that asks for a response
DEFINITION = "definition"
SITE = "site"
OBJECT = "object"

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
        "lasting and stable peace regime",
        (
            "lasting and stable peace regime",
            "lasting and stable peace",
            "permanent and stable peace regime",
            "durable peace regime",
            "peace regime",
        ),
        (),
    ),
    (
        "new relations",
        (
            "new relations",
            "new relationship",
            "new us-dprk relations",
            "new u.s.-dprk relations",
            "new bilateral relations",
        ),
        (),
    ),
    ("security guarantees", ("security guarantees", "security guarantee"), (UNDEFINED,)),
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
]

# Proper names that contain a vague word are not vague.
_NEUTRAL = (
    "panmunjom declaration",
    "pyongyang declaration",
    "singapore statement",
    "singapore joint statement",
    "singapore summit",
    "joint statement",
    "comprehensive military agreement",
    "comprehensive nuclear-test-ban treaty",
    "comprehensive nuclear test ban treaty",
    "comprehensive test ban",
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


_VERIFIERS = [
    # a named third party with access: 15
    (
        VERIFY_THIRD,
        (
            "iaea",
            "international atomic energy agency",
            "ctbto",
            "opcw",
            "un inspectors",
            "un monitors",
            "un panel of experts",
            "panel of experts",
            "international inspectors",
            "independent inspectors",
            "third-party inspectors",
            "third party",
            "neutral nations supervisory commission",
            "nnsc",
            "united nations command",
            "world food programme",
            "world food program",
            "wfp",
            "1718 committee",
            "un command",
            "icrc",
            "red cross",
        ),
    ),
    # joint or on-site: 12
    (
        VERIFY_JOINT,
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
            "experts present",
            "verification visits",
            "verification visit",
            "joint recovery teams",
        ),
    ),
    # observers: 8
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
    (VERIFY_OTHER, ("journalists", "journalist", "media", "press", "self-reported", "self-declared")),
    # only inside the verification field
    (FIELD_THIRD, ("un", "u.n.", "united nations", "international", "neutral")),
    (
        FIELD_JOINT,
        (
            "joint",
            "mutual",
            "on-site",
            "inspection",
            "inspections",
            "inspect",
            "experts",
            "teams",
            "access",
            "verification team",
            "visits",
        ),
    ),
    (
        FIELD_OBSERVERS,
        ("review", "reports", "report", "reporting", "imagery", "monitor", "photographs", "photos", "video"),
    ),
]

_SITES = (
    "yongbyon",
    "punggye-ri",
    "sohae",
    "tongchang-ri",
    "panmunjom",
    "joint security area",
    "jsa",
    "dmz",
    "demilitarized zone",
    "demilitarised zone",
    "mdl",
    "military demarcation line",
    "northern limit line",
    "nll",
    "kaesong",
    "mount kumgang",
    "mt kumgang",
    "mt. kumgang",
    "kumgang",
    "dandong",
    "pyongyang",
    "seoul",
    "washington",
    "beijing",
    "tokyo",
    "moscow",
    "kangson",
    "sinpo",
    "hanoi",
    "singapore",
    "yellow sea",
    "west sea",
    "east sea",
    "sea of japan",
    "nampo",
    "rason",
    "sinuiju",
    "wonsan",
    "hamhung",
    "chorwon",
    "cheorwon",
    "arrowhead hill",
    "han river estuary",
    "paju",
)
_OBJECTS = (
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
    "as soon as the iaea",
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
_DEADLINE_DATE = (
    "next round",
    "this round",
    "end of the round",
    "end of this round",
    "upon signature",
    "upon signing",
    "on signature",
    "on signing",
    "at signing",
    "at signature",
    "tomorrow",
    "next week",
    "this week",
)
_DEADLINE_YEAR = (
    "this year",
    "next year",
    "by year-end",
    "by year end",
    "end of the year",
    "end of this year",
    "within the year",
    "year's end",
    "immediately",
    "at once",
    "without delay",
    "this month",
    "next month",
    "this summer",
    "this spring",
    "this autumn",
    "this winter",
    "this fall",
)


_WORD_NUMBERS = (
    "a",
    "an",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "forty",
    "sixty",
    "ninety",
    "hundred",
)
_TIME_UNITS = ("day", "week", "month", "year", "round", "hour")


def _spelled(prefixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        f"{pre} {num} {unit}{plural}"
        for pre in prefixes
        for num in _WORD_NUMBERS
        for unit in _TIME_UNITS
        for plural in ("", "s")
    )


_SPELLED_WITHIN = _spelled(("within", "in", "after", "within the next", "in the next"))
_SPELLED_FOR = _spelled(("for", "for at least"))


def _build_lexicon() -> dict[str, tuple[str, tuple[str, ...]]]:
    """normalised phrase -> (label, tags); later entries add tags to earlier ones."""
    lex: dict[str, tuple[str, tuple[str, ...]]] = {}

    def add(phrases: Iterable[str], tags: tuple[str, ...], label: str | None = None) -> None:
        for phrase in phrases:
            key = normalise(phrase)
            old_label, old_tags = lex.get(key, (None, ()))
            merged = tuple(dict.fromkeys((*old_tags, *tags)))
            lex[key] = (old_label or label or phrase, merged)

    for label, variants, tags in _VAGUE_ENTRIES:
        add(variants, (VAGUE, *tags), label)
    add(("phased manner", "step-by-step manner", "phased and synchronized manner"), (PHASED,), "phased manner")
    add(("yongbyon area",), (UNDEFINED, SITE))
    add(_NEUTRAL, ())
    for verb in _CONCRETE_VERBS:
        add(verb_forms(verb), (VERB_CONCRETE,))
    add(_CONCRETE_NOUNS, (VERB_CONCRETE,))
    for verb in _PROCEDURAL_VERBS:
        add(verb_forms(verb), (VERB_PROCEDURAL,))
    for verb in _ASPIRATIONAL_VERBS:
        add(verb_forms(verb), (VERB_ASPIRATIONAL,))
    for tag, phrases in _VERIFIERS:
        add(phrases, (tag,))
    add(_SITES, (SITE,))
    add(_OBJECTS, (OBJECT,))
    add(_TRIGGERS, (TRIGGER,))
    add(_DURATIONS, (DURATION,))
    add(_SNAPBACKS, (DURATION, SNAPBACK))
    add(_IRREVERSIBLES, (DURATION, IRREVERSIBLE))
    add(("permanent", "permanently"), (IRREVERSIBLE,))
    add(_INVITES, (INVITE,))
    add(_DEFINITIONS, (DEFINITION,))
    add(_DEADLINE_DATE, (DEADLINE_DATE,))
    add(_DEADLINE_YEAR, (DEADLINE_YEAR,))
    add(("upon signature", "upon signing"), (TRIGGER,))
    add(_SPELLED_WITHIN, (DEADLINE_DATE,))
    add(_SPELLED_FOR, (DURATION,))
    return lex


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


LEXICON = _build_lexicon()
# The written variants (before normalisation) feed the trie; the key is rebuilt on match.
_VARIANTS = sorted(
    {
        p.lower()
        for group in (
            [v for _, vs, _ in _VAGUE_ENTRIES for v in vs],
            ["phased manner", "step-by-step manner", "phased and synchronized manner", "yongbyon area"],
            _NEUTRAL,
            [f for v in _CONCRETE_VERBS + _PROCEDURAL_VERBS + _ASPIRATIONAL_VERBS for f in verb_forms(v)],
            _CONCRETE_NOUNS,
            [p for _, ps in _VERIFIERS for p in ps],
            _SITES,
            _OBJECTS,
            _TRIGGERS,
            _DURATIONS,
            _SNAPBACKS,
            _IRREVERSIBLES,
            _INVITES,
            _DEFINITIONS,
            _DEADLINE_DATE,
            _DEADLINE_YEAR,
            _SPELLED_WITHIN,
            _SPELLED_FOR,
        )
        for p in group
    }
)
# Exact written variants -> entry, so most matches skip normalisation.
RAW_LEXICON = {v: LEXICON[normalise(v)] for v in _VARIANTS}
PHRASE_RE = re.compile(r"(?<![\w])(?:" + _trie_regex(_VARIANTS) + r")(?![\w])")

# Numeric markers ---------------------------------------------------------------
# Numbers are found with a plain ``\d+`` scan (fast), then read in context: the
# form that follows (a date, "30 days", "11 guard posts") and the words before
# ("within", "for", "round", a month, "by"). Spelled-out numbers ("within six
# months", "for two years") are phrases of the trie above.
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
MONTHS = frozenset(
    [
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
    ]
)
NUMBER_RE = re.compile(r"\d+")
FORWARD_RE = re.compile(
    "|".join(
        (
            r"(?P<iso>\d{4}-\d{1,2}-\d{1,2}\b)",
            r"(?P<slash>\d{1,2}/\d{1,2}/\d{2,4}\b)",
            rf"(?P<dmy>\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b)",
            r"(?P<time>\d+(?P<dash>-|\s+)(?:calendar\s+|working\s+|business\s+)?(?:day|week|month|year|round|hour)"
            r"(?P<plural>s)?\b(?P<after>\s+(?:after|of|from|following)\b)?)",
            r"(?P<year>(?:19|20)\d\d\b)",
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

QUANTITY = "quantity"


def _temporal(words: list[str], k: int) -> bool:
    """Is the word before position k (skipping "the") a temporal preposition?"""
    if k >= 1 and words[k - 1] == "the":
        k -= 1
    if k < 1:
        return False
    if words[k - 1] == "of":  # "as of", "the end of"
        return k >= 2 and words[k - 2] in ("as", "end")
    return words[k - 1] in TEMPORAL_WORDS


def numeric_markers(s: str, found: set[str], *, deadline_field: bool, quantity_field: bool) -> None:
    """Add DEADLINE_DATE / DEADLINE_YEAR / DURATION / "quantity" tags for the numbers in ``s``."""
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
        if before in "$\u20ac\u00a3":
            if quantity_field:
                found.add(QUANTITY)
        elif group in ("iso", "slash", "dmy"):
            if deadline_field or _temporal(words, k):
                found.add(DEADLINE_DATE)
        elif group == "time":
            if m.group("after") or last in WITHIN_WORDS:
                found.add(DEADLINE_DATE)
            elif last == "for" or (k >= 3 and words[-3] == "for" and words[-2] == "at" and last == "least"):
                found.add(DURATION)
            elif m.group("dash") == "-" and not m.group("plural"):
                found.add(DURATION)  # "a 10-year moratorium"
        elif last in ("round", "turn"):
            found.add(DEADLINE_DATE)
        elif last.rstrip(".") in MONTHS:
            # "November 1, 2018" (a date) or "November 2018" (a month)
            if deadline_field or _temporal(words, k - 1):
                found.add(DEADLINE_YEAR if group == "year" else DEADLINE_DATE)
        elif group == "year":
            if last in YEAR_WORDS or deadline_field or _temporal(words, k):
                found.add(DEADLINE_YEAR)
        elif group == "qty" and quantity_field:
            unit = m.group("unit")
            head = unit.split("-", 1)[0].split("/", 1)[0]
            if head not in NOT_UNITS:
                found.add(QUANTITY)


DIGIT_RE = re.compile(r"\d")
