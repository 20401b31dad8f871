"""Inputs and outputs of the rules engine: frozen dataclasses, tuples inside.

Inputs (``Commitment``, ``Offer``, ``Catalogue``) are what a team wrote and what
the scenario pack says things are worth. Outputs (``CommitmentScore``,
``OfferScore``, ``Conflict``) carry their reasons and improvements so the
interface can teach the brief, not just show a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .calendar import Calendar
from .config import DEFAULT_CONFIG, RulesConfig
from .lexicon import GENERIC, Lexicon

# A commitment's terms as a team writes them, in the composer's order. The one list: the
# model's columns, the forms, the services, scoring, the export, the CLI and the scenario
# loader derive theirs from it.
COMMITMENT_TERMS = (
    "by",
    "to",
    "kind",
    "action",
    "object",
    "quantity",
    "unit",
    "site",
    "deadline",
    "verification",
    "conditional_on",
    "phase",
    "duration",
    "text",
)
# The terms that give a commitment its structure: the parties, the catalogue item, the
# links to other commitments and the phase. The engine reads all the others as text
# (a quantity too: "two", "about 30").
STRUCTURE_TERMS = ("by", "to", "kind", "conditional_on", "phase")
TEXT_FIELDS = tuple(name for name in COMMITMENT_TERMS if name not in STRUCTURE_TERMS)

# The names a team sees on the composer's fields: reasons and hints use them, and the
# composer's form takes its labels from here (one definition).
FIELD_LABELS = {
    "kind": "From the catalogue",
    "by": "Who commits",
    "to": "For whom",
    "action": "Action",
    "object": "Object",
    "quantity": "Quantity",
    "unit": "Unit",
    "site": "Site",
    "deadline": "Deadline",
    "verification": "Verification",
    "duration": "Duration",
    "phase": "Phase",
    "conditional_on": "Only if commitment no.",
    "text": "In your own words",
}


def _tuple(value: Any) -> tuple:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _pairs(value: Any) -> tuple[tuple[str, float], ...] | None:
    if value is None:
        return None
    items = value.items() if isinstance(value, Mapping) else value
    return tuple((str(k), float(v)) for k, v in items)


@dataclass(frozen=True, slots=True)
class Commitment:
    """One concrete promise: who does what, for whom, where, by when, checked by whom.

    ``value`` (pairs of party and number) overrides the catalogue's values for the
    parties it names. When ``kind`` names a catalogue item, empty fields are NOT
    filled from the catalogue: the engine scores what was written.
    """

    id: str
    by: str
    to: tuple[str, ...] = ()
    kind: str | None = None
    action: str | None = None
    object: str | None = None
    quantity: str | float | None = None
    unit: str | None = None
    site: str | None = None
    deadline: str | None = None
    verification: str | None = None
    conditional_on: tuple[str, ...] = ()
    phase: int | None = None
    duration: str | None = None
    text: str | None = None
    value: tuple[tuple[str, float], ...] | None = None

    def __post_init__(self) -> None:
        # Callers sometimes hand in lists or dicts; keep the dataclass hashable.
        if type(self.to) is not tuple:
            object.__setattr__(self, "to", _tuple(self.to))
        if type(self.conditional_on) is not tuple:
            object.__setattr__(self, "conditional_on", _tuple(self.conditional_on))
        if self.value is not None and type(self.value) is not tuple:
            object.__setattr__(self, "value", _pairs(self.value))


@dataclass(frozen=True, slots=True)
class Offer:
    """A set of commitments proposed together. ``parties`` default to everyone named."""

    id: str
    commitments: tuple[Commitment, ...]
    parties: tuple[str, ...] = ()
    # The round in which it is made (deadlines are judged against it; None = round 1)
    # and the team that drafts it (hints are phrased for it; None = nobody in particular).
    round: int | None = None
    proposer: str | None = None

    def __post_init__(self) -> None:
        if type(self.commitments) is not tuple:
            object.__setattr__(self, "commitments", tuple(self.commitments))
        if type(self.parties) is not tuple:
            object.__setattr__(self, "parties", _tuple(self.parties))

    def all_parties(self) -> tuple[str, ...]:
        """Explicit parties first, then every giver and receiver, in order of appearance."""
        seen: dict[str, None] = dict.fromkeys(self.parties)
        for c in self.commitments:
            seen.setdefault(c.by, None)
            for p in c.to:
                seen.setdefault(p, None)
        return tuple(seen)


def _num(x: float) -> float | int:
    x = round(float(x), 2)
    return int(x) if x == int(x) else x


@dataclass(frozen=True, slots=True)
class Reason:
    """Why points were earned or missed, e.g. ("deadline", "Deadline is a calendar date", 15, 15)."""

    code: str
    text: str
    points: float
    max_points: float

    def to_dict(self) -> dict:
        return {"code": self.code, "text": self.text, "points": _num(self.points), "max_points": _num(self.max_points)}


@dataclass(frozen=True, slots=True)
class Edit:
    """One mechanical change a hint asks for: set ``field`` of commitment ``commitment``
    to ``value``; or, with ``field == "add"``, add ``value`` (a Commitment); or, with
    ``field == "drop"``, remove the commitment."""

    commitment: str
    field: str
    value: Any = None


@dataclass(frozen=True, slots=True)
class Improvement:
    """A concrete change and what it would gain, e.g. ("Add a deadline ...", 15).

    ``code`` names the reason it improves (same codes as ``Reason``). On an offer,
    ``specificity`` and ``reciprocity`` are the changes of the two offer scores
    when ``edits`` are applied (measured by scoring the edited offer), and ``gain``
    is their sum; on a commitment, ``gain`` is the change of its own score.
    """

    text: str
    gain: float
    code: str = ""
    specificity: float = 0.0
    reciprocity: float = 0.0
    edits: tuple[Edit, ...] = ()

    def to_dict(self) -> dict:
        data = {"text": self.text, "gain": _num(self.gain), "code": self.code}
        if self.specificity or self.reciprocity:
            data["specificity"] = _num(self.specificity)
            data["reciprocity"] = _num(self.reciprocity)
        return data


@dataclass(frozen=True, slots=True)
class CommitmentScore:
    id: str
    specificity: int
    reasons: tuple[Reason, ...]
    improvements: tuple[Improvement, ...]
    value_note: str = ""  # why a tagged catalogue item's value is not booked ("" when it is)

    def to_dict(self) -> dict:
        data = {
            "id": self.id,
            "specificity": self.specificity,
            "reasons": [r.to_dict() for r in self.reasons],
            "improvements": [i.to_dict() for i in self.improvements],
        }
        if self.value_note:
            data["value_note"] = self.value_note
        return data


@dataclass(frozen=True, slots=True)
class OfferScore:
    id: str
    specificity: int
    reciprocity: int
    commitments: tuple[CommitmentScore, ...]
    reasons: tuple[Reason, ...]
    improvements: tuple[Improvement, ...]

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "specificity": self.specificity,
            "reciprocity": self.reciprocity,
            "commitments": [c.to_dict() for c in self.commitments],
            "reasons": [r.to_dict() for r in self.reasons],
            "improvements": [i.to_dict() for i in self.improvements],
        }


@dataclass(frozen=True, slots=True)
class Conflict:
    """A party promised incompatible catalogue items in different offers of one round."""

    party: str
    offer_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    text: str

    def to_dict(self) -> dict:
        return {"party": self.party, "offer_ids": list(self.offer_ids), "kinds": list(self.kinds), "text": self.text}


@dataclass(frozen=True)
class CatalogueItem:
    """A catalogue entry of the scenario: what it is and what each team thinks it is worth."""

    key: str
    title: str = ""
    number: int | None = None
    category: str = ""
    by: tuple[str, ...] = ()  # the teams that can deliver it (empty: any team)
    to: tuple[str, ...] = ()
    values: tuple[tuple[str, float], ...] = ()
    default_value: float = 0.0
    actions: tuple[str, ...] = ()  # the actions that deliver it (empty: any action)
    irreversible: bool = False
    conflicts: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()

    @cached_property
    def value_map(self) -> dict[str, float]:
        return dict(self.values)

    def value(self, party: str) -> float:
        return self.value_map.get(party, self.default_value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CatalogueItem:
        fields = data.get("fields") or {}
        return cls(
            key=str(data["key"]),
            title=str(data.get("title") or ""),
            number=data.get("number"),
            category=str(data.get("category") or ""),
            by=_tuple(data.get("by")),
            to=_tuple(data.get("to")),
            values=_pairs(data.get("values") or {}) or (),
            default_value=float(data.get("default_value") or 0),
            actions=_tuple(data.get("actions")),
            irreversible=bool(data.get("irreversible", False)),
            conflicts=_tuple(data.get("conflicts")),
            fields=tuple((str(k), str(v)) for k, v in fields.items() if v not in (None, "")),
        )


@dataclass(frozen=True)
class Catalogue:
    """The scenario's items by key, its team keys, the (merged) rules config, and
    what a referee recognises: its calendar, places, verifiers and vague formulas."""

    items: tuple[CatalogueItem, ...] = ()
    teams: tuple[str, ...] = ()
    config: RulesConfig = DEFAULT_CONFIG
    key: str = ""
    calendar: Calendar | None = None
    places: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, aliases)
    verifiers: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (name, aliases, kind)
    vague: tuple[tuple[str, tuple[str, ...], bool], ...] = ()  # (name, aliases, needs_definition)
    _index: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # The generic lexicon plus this scenario's places, verifiers and vague formulas, compiled once per set
    # of names (Lexicon.for_scenario) and looked up once per catalogue: scoring reads it a lot.
    lexicon: Lexicon = field(default=GENERIC, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._index.update((item.key, item) for item in self.items)
        if self.places or self.verifiers or self.vague:
            object.__setattr__(self, "lexicon", Lexicon.for_scenario(self.places, self.verifiers, self.vague))

    @classmethod
    def empty(cls, config: RulesConfig = DEFAULT_CONFIG) -> Catalogue:
        return cls(config=config)

    @classmethod
    def from_scenario(cls, scenario: Mapping[str, Any]) -> Catalogue:
        """Build from a normalised scenario dict (exercises.scenarios.load_scenario).

        ``scenario["scoring"]`` overrides RulesConfig defaults (ConfigError on a typo).
        """
        items = tuple(CatalogueItem.from_dict(d) for d in scenario.get("catalogue") or ())
        teams = tuple(str(t["key"]) for t in scenario.get("teams") or ())
        config = DEFAULT_CONFIG.merged(scenario.get("scoring") or None)
        return cls(
            items=items,
            teams=teams,
            config=config,
            key=str(scenario.get("key") or ""),
            calendar=Calendar.from_dict(scenario.get("calendar")),
            places=tuple((str(p["name"]), _tuple(p.get("aliases"))) for p in scenario.get("places") or ()),
            verifiers=tuple(
                (str(v["name"]), _tuple(v.get("aliases")), str(v.get("kind") or "third-party"))
                for v in scenario.get("verifiers") or ()
            ),
            vague=tuple(
                (str(v["name"]), _tuple(v.get("aliases")), bool(v.get("needs_definition")))
                for v in scenario.get("vague") or ()
            ),
        )

    def first_verifier(self) -> str:
        """The first recognised independent verifier, for hints ("" when the scenario names none)."""
        return next((name for name, _, kind in self.verifiers if kind == "third-party"), "")

    def first_place(self) -> str:
        return self.places[0][0] if self.places else ""

    def item(self, kind: str | None) -> CatalogueItem | None:
        return self._index.get(kind) if kind else None

    def __contains__(self, kind: object) -> bool:
        return kind in self._index

    def value(self, kind: str | None, party: str) -> float:
        """The catalogue value of ``kind`` for ``party`` (its default_value if the
        party is not listed); 0.0 when ``kind`` is empty or unknown."""
        item = self._index.get(kind) if kind else None
        return item.value(party) if item is not None else 0.0
