"""Personas: how a simulated or bot team negotiates. Pure decision logic, no Django.

A persona decides WHAT a team offers and how it answers an offer; the Django side
(``exercises.persona_moves``) turns those decisions into the same service calls a
human team's browser makes, so a persona's offers are scored, agreed and resolved
exactly like a student's. ``simulate_class`` plays whole classes of them; bots in a
live exercise schedule them (docs/personas.md, or docs/scoring.md "Simulated classes").

Every persona judges an offer by the rules engine's one value function (``rules.values``,
through the reciprocity ledger): a recipient accepts only an offer worth something to it.
Notes are short plain sentences a student can read; they never quote a value, because
each team's value table is private.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from exercises.rules import Catalogue, CatalogueItem, Commitment, Offer
from exercises.rules.reciprocity import ledger
from exercises.rules.specificity import analyse_commitment

__all__ = [
    "PERSONAS",
    "Decision",
    "Draft",
    "Memory",
    "Persona",
    "Table",
    "decide",
    "draft_offers",
    "offer_worth",
]


@dataclass(frozen=True)
class Persona:
    """A way of negotiating; ``description`` is what an instructor reads in the console and docs."""

    key: str
    label: str
    description: str
    classroom: bool = True  # False: for simulations only, never offered as a bot in class


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona(
            "base-hitter",
            "Base hitter",
            "Trades one concrete step for one concrete step: named site, a date inside the game, "
            "a recognised verifier, each step waiting for the other's. Accepts offers that are "
            "specific, reciprocal and worth something to it; sends vague ones back rewritten.",
        ),
        Persona(
            "grand-bargainer",
            "Grand bargainer",
            "Wants everything at once: bundles every big step in sweeping words, with no dates "
            "and no checks. Signs anything that looks like a win, however vague.",
        ),
        Persona(
            "hardliner",
            "Hardliner",
            "Asks the other side to move first and gives nothing in return. Accepts only offers "
            "in which it gets much more than it gives.",
        ),
        Persona(
            "reciprocator",
            "Reciprocator",
            "Plays tit for tat: offers specific, linked trades and accepts them, but once a team "
            "has broken a step owed to it, it deals with that team only if that team moves first, "
            "under verification.",
        ),
        Persona(
            "fake-specific",
            "Fake specific",
            "Writes offers that look specific (sites, dates, verifiers, quantities) but promise "
            "nothing of value: tokens dressed up as steps. For simulations only.",
            classroom=False,
        ),
    )
}


@dataclass(frozen=True)
class Memory:
    """What a persona remembers of play: who broke a step owed to it, and which catalogue
    items are already agreed or on offer (a persona does not sell the same step twice)."""

    broke_to_me: frozenset[str] = frozenset()
    taken: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Table:
    """What a persona sees when it moves: its own party, the other teams, the scenario's
    catalogue, the round (and the last one), and its memory."""

    me: str
    others: tuple[str, ...]
    catalogue: Catalogue
    round: int = 1
    last_round: int | None = None
    memory: Memory = field(default_factory=Memory)


@dataclass(frozen=True)
class Draft:
    """An offer a persona wants to send: composer rows (the fields of ``COMMITMENT_TERMS``,
    ``conditional_on`` as 1-based positions in the same offer)."""

    to: tuple[str, ...]
    commitments: tuple[dict, ...]
    message: str = ""


@dataclass(frozen=True)
class Decision:
    """How a persona answers an offer: accept, reject, or counter with ``counter``."""

    kind: str  # "accept" | "reject" | "counter"
    note: str
    counter: Draft | None = None


# --- shared judgement -------------------------------------------------------------------------


def offer_worth(offer: Offer, party: str, catalogue: Catalogue) -> tuple[float, float]:
    """(what ``party`` gives, what it gets) in its own values: the reciprocity ledger,
    free text capped, so a pile of tokens is worth what the scorer says it is."""
    parties = offer.all_parties()
    if party not in parties:
        parties = (*parties, party)
    gives, gets = ledger(offer, parties, catalogue)
    return gives[party], gets[party]


def _value(item: CatalogueItem, party: str) -> float:
    return item.value(party)


def _deliverable(table: Table, party: str) -> list[CatalogueItem]:
    """Catalogue items ``party`` can deliver and nobody has agreed or offered yet."""
    return [i for i in table.catalogue.items if party in i.by and i.key not in table.memory.taken]


def _trades(table: Table, a: str, b: str, judge: str) -> list[tuple[float, CatalogueItem, CatalogueItem]]:
    """Pairs (step by ``a``, step by ``b``) that leave both ``a`` and ``b`` better off, and
    ``judge`` (the team that drafts) too, best first by the smaller side's gain."""
    out = []
    for give in _deliverable(table, a):
        for get in _deliverable(table, b):
            if give.key == get.key:
                continue
            gain_a = _value(give, a) + _value(get, a)
            gain_b = _value(give, b) + _value(get, b)
            gain_judge = _value(give, judge) + _value(get, judge)
            if gain_a > 0 and gain_b > 0 and gain_judge > 0:
                out.append((min(gain_a, gain_b), give, get))
    out.sort(key=lambda t: (-t[0], t[1].key, t[2].key))
    return out


def _pick(rng: random.Random, options: list, top: int = 3):
    """One of the best few, so seeded classes differ without playing badly."""
    return options[rng.randrange(min(top, len(options)))] if options else None


def _receivers(item: CatalogueItem, giver: str, partner: str) -> list[str]:
    """Who a step is for: the partner, plus the item's own receivers among the named teams."""
    out = [partner] if partner != giver else []
    out += [p for p in item.to if p not in out and p != giver and p == partner]
    return out or [p for p in item.to if p != giver][:1]


def _field(item: CatalogueItem, name: str) -> str:
    return dict(item.fields).get(name, "")


# --- writing steps ----------------------------------------------------------------------------


def _specific_row(item: CatalogueItem, giver: str, to: list[str], catalogue: Catalogue, *, phase: int) -> dict:
    """A step written as a referee would accept it: the catalogue's wording, a date inside the
    game, a recognised verifier, and snap-back on what can be reversed."""
    verifier = _field(item, "verification") or f"{catalogue.first_verifier() or 'joint'} inspectors"
    duration = _field(item, "duration") or ("" if item.irreversible else "for 12 months, with snap-back")
    if not item.irreversible and "snap" not in duration:
        duration = f"{duration}, with snap-back" if duration else "for 12 months, with snap-back"
    return {
        "by": giver,
        "to": to,
        "kind": item.key,
        "action": _field(item, "action") or (item.actions[0] if item.actions else ""),
        "object": _field(item, "object") or item.title,
        "site": _field(item, "site") or catalogue.first_place(),
        "deadline": "within 30 days",
        "verification": verifier,
        "duration": duration,
        "phase": phase,
    }


def _vague_row(item: CatalogueItem, giver: str, to: list[str]) -> dict:
    """A step as a grand bargain writes it: the right deed in sweeping words, no date, no check."""
    action = _field(item, "action") or (item.actions[0] if item.actions else "")
    return {
        "by": giver,
        "to": to,
        "kind": item.key,
        "action": action,
        "object": f"{_field(item, 'object') or item.title}, comprehensively",
        "deadline": "at an early date",
        "text": "in the spirit of the joint statement, in a phased manner, as conditions ripen",
    }


# Tokens dressed as steps: each fills every field a referee looks for and promises nothing.
_TOKENS = (
    ("1", "potato", "potato"),
    ("2", "commemorative plaques", "plaques"),
    ("3", "copies of its own paperwork", "copies"),
    ("1", "press release on goodwill", "release"),
    ("5", "flowers", "flowers"),
)


def _token_row(item: CatalogueItem, giver: str, to: list[str], catalogue: Catalogue, rng: random.Random) -> dict:
    """A step that looks specific and is worth nothing: the item's tag and deed, a token for object."""
    quantity, thing, unit = _TOKENS[rng.randrange(len(_TOKENS))]
    return {
        "by": giver,
        "to": to,
        "kind": item.key,
        "action": item.actions[0] if item.actions else "deliver",
        "object": thing,
        "quantity": quantity,
        "unit": unit,
        "site": catalogue.first_place(),
        "deadline": "within 30 days",
        "verification": f"{catalogue.first_verifier() or 'joint'} inspectors",
        "duration": "for 12 months, with snap-back",
    }


def _link_both_ways(rows: list[dict]) -> list[dict]:
    """Each side's step waits for the other side's (positions are 1-based)."""
    out = []
    for i, row in enumerate(rows, start=1):
        others = [j for j, other in enumerate(rows, start=1) if j != i and other["by"] != row["by"]]
        out.append(dict(row, conditional_on=others))
    return out


# --- drafting ----------------------------------------------------------------------------------


def draft_offers(persona_key: str, table: Table, rng: random.Random) -> list[Draft]:
    """The offers ``persona_key`` sends this round (at most one; none when it has nothing to trade)."""
    persona = PERSONAS[persona_key]
    drafter = _DRAFTERS[persona.key]
    draft = drafter(table, rng)
    return [draft] if draft is not None else []


def _partners(table: Table, rng: random.Random) -> list[str]:
    partners = list(table.others)
    rng.shuffle(partners)
    return partners


def _draft_base_hit(table: Table, rng: random.Random) -> Draft | None:
    """One step for one step with a partner; a team that can deliver nothing brokers a trade
    between two others (it gains as a bystander, they as parties)."""
    me = table.me
    for partner in _partners(table, rng):
        if partner in table.memory.broke_to_me:
            continue
        picked = _pick(rng, _trades(table, me, partner, me))
        if picked:
            _, give, get = picked
            return _base_hit(table, (give, me), (get, partner), to=(partner,))
    for a in _partners(table, rng):
        for b in table.others:
            if b == a:
                continue
            picked = _pick(rng, _trades(table, a, b, me))
            if picked:
                _, give, get = picked
                return _base_hit(table, (give, a), (get, b), to=(a, b))
    return None


def _base_hit(table: Table, first: tuple, second: tuple, *, to: tuple[str, ...]) -> Draft:
    """Two linked steps; the cheaper one (to its giver) goes first, in phase 1."""
    (item_a, a), (item_b, b) = first, second
    steps = sorted([(item_a, a, b), (item_b, b, a)], key=lambda s: (-_value(s[0], s[1]), s[0].key))
    rows = [
        _specific_row(item, giver, _receivers(item, giver, other), table.catalogue, phase=phase)
        for phase, (item, giver, other) in enumerate(steps, start=1)
    ]
    return Draft(to, tuple(_link_both_ways(rows)), "A step for a step, each checked, each waiting for the other.")


def _draft_grand_bargain(table: Table, rng: random.Random) -> Draft | None:
    """Everything the partner can give that we want, for much of what we can give that it wants."""
    me = table.me
    for partner in _partners(table, rng):
        wants = [i for i in _deliverable(table, partner) if _value(i, me) > 0][:4]
        offers = [i for i in _deliverable(table, me) if _value(i, partner) > 0][:3]
        if not wants or not offers:
            continue
        rows = [_vague_row(i, partner, _receivers(i, partner, me)) for i in wants]
        rows += [_vague_row(i, me, _receivers(i, me, partner)) for i in offers]
        gives, gets = offer_worth(_engine(rows, me, (partner,)), me, table.catalogue)
        if gets > gives:
            return Draft((partner,), tuple(rows), "A historic settlement of everything, at once.")
    return None


def _draft_demand(table: Table, rng: random.Random) -> Draft | None:
    """The partner moves first and alone."""
    me = table.me
    for partner in _partners(table, rng):
        wants = sorted(
            (i for i in _deliverable(table, partner) if _value(i, me) > 0), key=lambda i: (-_value(i, me), i.key)
        )[:2]
        if wants:
            rows = [_specific_row(i, partner, [me], table.catalogue, phase=1) for i in wants]
            return Draft((partner,), tuple(rows), "Show good faith first; then we will talk.")
    return None


def _draft_fake(table: Table, rng: random.Random) -> Draft | None:
    """Both sides' catalogue tags and deeds, every field filled in, tokens for objects."""
    me = table.me
    for partner in _partners(table, rng):
        theirs = _deliverable(table, partner)
        mine = _deliverable(table, me)
        if theirs and mine:
            get, give = theirs[rng.randrange(len(theirs))], mine[rng.randrange(len(mine))]
            rows = [
                dict(_token_row(get, partner, [me], table.catalogue, rng), phase=1),
                dict(_token_row(give, me, [partner], table.catalogue, rng), phase=2),
            ]
            return Draft((partner,), tuple(_link_both_ways(rows)), "Precise, verified, dated: sign here.")
    return None


_DRAFTERS = {
    "base-hitter": _draft_base_hit,
    "reciprocator": _draft_base_hit,
    "grand-bargainer": _draft_grand_bargain,
    "hardliner": _draft_demand,
    "fake-specific": _draft_fake,
}


# --- answering ---------------------------------------------------------------------------------


def _engine(rows: Iterable[dict], proposer: str, to: Iterable[str], round_number: int = 1) -> Offer:
    """A composer draft as the rules engine reads it (the same shape scoring.engine_commitment builds)."""
    commitments = []
    for i, row in enumerate(rows, start=1):
        fields = {k: (row.get(k) or None) for k in ("action", "object", "quantity", "unit", "site", "deadline")}
        fields.update({k: (row.get(k) or None) for k in ("verification", "duration", "text")})
        commitments.append(
            Commitment(
                id=str(i),
                by=row["by"],
                to=tuple(row.get("to") or ()),
                kind=row.get("kind") or None,
                conditional_on=tuple(str(p) for p in row.get("conditional_on") or ()),
                phase=row.get("phase") or None,
                **fields,
            )
        )
    return Offer("draft", tuple(commitments), (proposer, *to), round=round_number, proposer=proposer)


def decide(
    persona_key: str, table: Table, offer: Offer, specificity: float, reciprocity: float, rng: random.Random
) -> Decision:
    """How ``persona_key`` answers ``offer`` (made by ``offer.proposer`` to ``table.me``).

    ``specificity`` and ``reciprocity`` are the scores the engine stored with the offer.
    Nobody accepts an offer that is worth nothing to it.
    """
    PERSONAS[persona_key]  # a KeyError names an unknown persona at once
    gives, gets = offer_worth(offer, table.me, table.catalogue)
    if gets <= gives:
        if gets == 0:
            return Decision("reject", "Nothing in it for us: it promises us nothing of value.")
        return Decision("reject", "We would give more than we get.")
    return _ANSWERS[persona_key](table, offer, specificity, reciprocity, gives, gets, rng)


SPECIFIC_ENOUGH = 60  # the composer's "specific" threshold (reports: specific_min)
RECIPROCAL_ENOUGH = 50


def _answer_base_hitter(table, offer, specificity, reciprocity, gives, gets, rng) -> Decision:
    if specificity >= SPECIFIC_ENOUGH and reciprocity >= RECIPROCAL_ENOUGH:
        return Decision("accept", "Specific and reciprocal: agreed.")
    return _counter_specific(table, offer) or Decision("reject", _what_is_missing(table, offer))


def _answer_reciprocator(table, offer, specificity, reciprocity, gives, gets, rng) -> Decision:
    proposer = offer.proposer or ""
    if proposer in table.memory.broke_to_me and not _they_move_first(offer, table.me):
        return Decision("reject", f"{proposer} broke a step it owed us: it moves first, under verification.")
    return _answer_base_hitter(table, offer, specificity, reciprocity, gives, gets, rng)


def _answer_grand_bargainer(table, offer, specificity, reciprocity, gives, gets, rng) -> Decision:
    return Decision("accept", "A big step forward: agreed.")


def _answer_hardliner(table, offer, specificity, reciprocity, gives, gets, rng) -> Decision:
    if gets >= 2 * gives:
        return Decision("accept", "They move; we lose little. Agreed.")
    return Decision("reject", "We do not pay first: they must move before we do.")


def _answer_fake(table, offer, specificity, reciprocity, gives, gets, rng) -> Decision:
    return Decision("accept", "Looks precise: agreed.")


_ANSWERS = {
    "base-hitter": _answer_base_hitter,
    "reciprocator": _answer_reciprocator,
    "grand-bargainer": _answer_grand_bargainer,
    "hardliner": _answer_hardliner,
    "fake-specific": _answer_fake,
}


def _they_move_first(offer: Offer, me: str) -> bool:
    """Every step of mine waits for a verified step of theirs in an earlier phase."""
    by_id = {c.id: c for c in offer.commitments}

    def first(theirs: Commitment | None, mine: Commitment) -> bool:
        return (
            theirs is not None
            and theirs.by != me
            and bool(theirs.verification)
            and (theirs.phase or 0) < (mine.phase or 0)
        )

    mine = [c for c in offer.commitments if c.by == me]
    return bool(mine) and all(any(first(by_id.get(t), c) for t in c.conditional_on) for c in mine)


def _what_is_missing(table: Table, offer: Offer) -> str:
    """ "Too vague: no date or verifier." — what a referee would miss, in the composer's words."""
    facts = [analyse_commitment(c, table.catalogue, offer.round or 1) for c in offer.commitments]
    missing = []
    if not all(f.dated for f in facts):
        missing.append("date")
    if not all(f.verified for f in facts):
        missing.append("verifier")
    if any(f.vague for f in facts):
        missing.append("vague words")
    if not missing:
        return "Not reciprocal enough: each side's step should wait for the other's."
    if missing[-1] == "vague words":
        return (
            "Too vague: "
            + ("vague words" if len(missing) == 1 else f"no {' or '.join(missing[:-1])}, vague words")
            + "."
        )
    return f"Too vague: no {' or '.join(missing)}."


def _counter_specific(table: Table, offer: Offer) -> Decision | None:
    """The same steps, written specifically and linked both ways (only catalogue steps can be)."""
    rows = []
    for phase, c in enumerate(sorted(offer.commitments, key=lambda c: (c.phase or 0, c.id)), start=1):
        item = table.catalogue.item(c.kind)
        if item is None or (item.by and c.by not in item.by):
            return None
        rows.append(_specific_row(item, c.by, list(c.to), table.catalogue, phase=min(phase, 2)))
    proposer = offer.proposer or ""
    to = tuple(p for p in dict.fromkeys((proposer, *offer.parties)) if p and p != table.me)
    note = _what_is_missing(table, offer) + " Here is the same deal with dates, sites and checks."
    return Decision("counter", note, Draft(to, tuple(_link_both_ways(rows)), note))
