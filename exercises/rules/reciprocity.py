"""Reciprocity: does each side give something, in step, and can each side check?

Keohane (1986) separates *specific* reciprocity (specified partners exchange
items of equivalent value in a delimited sequence) from *diffuse* reciprocity;
negotiators put it as "commitment for commitment, action for action". Osgood's
GRIT adds that a verifiable unilateral step that explicitly invites a response
can start the exchange. The brief: a side that makes demands should be prepared
to give something when they are met.

Components (SCORING.md, "Reciprocity of an offer"): balance among the parties
that give, linkage, phasing, verifiability of each giving party's steps,
protection, plus GRIT credit; a party that gives and gets nothing caps the offer,
and so does a lopsided exchange. A named beneficiary that only receives is not a
free rider: multilateral deals are not punished for having one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import FIELD_LABELS, Catalogue, Offer, Reason
from .privacy import ledger_phrase
from .specificity import CommitmentFacts
from .values import value_and_source


@dataclass(frozen=True)
class ReciprocityResult:
    value: float
    reasons: tuple[Reason, ...]
    # What the hints need to know: each party's ledger, each giving party's balance
    # ratio, each performer's share of full verification, the exposed irreversible steps.
    gives: dict[str, float] = field(default_factory=dict)
    gets: dict[str, float] = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)
    verification: dict[str, float] = field(default_factory=dict)
    exposed: tuple[str, ...] = ()
    cap: float = 100.0


def _g(x: float) -> str:
    return f"{round(x, 1):g}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def ledger(offer: Offer, parties: tuple[str, ...], catalogue: Catalogue) -> tuple[dict, dict]:
    """(gives, gets) per party, each in the party's own values.

    Free text is unpriced: however many free-text steps an offer piles up, they
    count at most ``values.free_text_cap`` for each party, so ten tweets do not
    pay for a reactor.
    """
    cap = catalogue.config.values.free_text_cap
    gives = dict.fromkeys(parties, 0.0)
    gets = dict.fromkeys(parties, 0.0)
    free_gives = dict.fromkeys(parties, 0.0)
    free_gets = dict.fromkeys(parties, 0.0)
    for c in offer.commitments:
        for p in parties:
            v, priced = value_and_source(c, p, catalogue)
            if v < 0:
                (gives if priced else free_gives)[p] -= v
            elif v > 0:
                (gets if priced else free_gets)[p] += v
    for p in parties:
        gives[p] += min(free_gives[p], cap)
        gets[p] += min(free_gets[p], cap)
    return gives, gets


def offer_reciprocity(
    offer: Offer,
    facts: list[CommitmentFacts],
    parties: tuple[str, ...],
    specificity: float,
    at_stake: float,
    catalogue: Catalogue,
) -> ReciprocityResult:
    """Reciprocity 0-100 and its reasons; ``at_stake`` is the offer's total value to its parties."""
    cfg = catalogue.config.reciprocity
    spec_cfg = catalogue.config.specificity
    commitments = offer.commitments
    n = len(commitments)
    if n == 0:
        return ReciprocityResult(0.0, (Reason("rec.empty", "No commitments", 0, 100),))

    performers = list(dict.fromkeys(c.by for c in commitments))
    gives, gets = ledger(offer, parties, catalogue)
    reasons: list[Reason] = []

    # Balance (35): among the parties that give, the share each gets back (at most 1).
    giving = [p for p in parties if gives[p] > 0]
    ratios = {p: min(gets[p] / gives[p], 1.0) for p in giving}
    if ratios:
        values = list(ratios.values())
        ratio = sum(values) / len(values) if cfg.balance_mode == "mean" else min(values)
    else:
        ratio = 1.0 if any(gets[p] > 0 for p in parties) else 0.0
    # You can only weigh, link and sequence what is defined.
    definition = cfg.definition_floor + (1 - cfg.definition_floor) * specificity / 100
    balance = cfg.balance * ratio * definition
    figures = " ".join(ledger_phrase(p, gives[p], gets[p]) + "." for p in parties)
    if not ratios:
        text = "Balance: nobody gives anything up" + (", and some gain." if ratio else ".")
    elif ratio >= 1:
        text = "Balance: every side that gives gets at least as much back, in its own values."
    else:
        text = f"Balance: a side that gives gets back only {ratio:.0%} of it, in its own values."
    beneficiaries = [p for p in parties if p not in performers and gets[p] > 0 and gives[p] == 0]
    if beneficiaries:
        text += f" {_and(beneficiaries)} only {'receives' if len(beneficiaries) == 1 else 'receive'}: a beneficiary."
    reasons.append(Reason("rec.balance", f"{text} {figures}", balance, cfg.balance))

    # Linkage (20): commitments conditional on another party's commitment, both ways better.
    owner = {c.id: c.by for c in commitments}
    directions: dict[tuple[str, str], None] = {}
    linked = 0.0
    for c, f in zip(commitments, facts, strict=True):
        cross = [t for t in c.conditional_on if t in owner and owner[t] != c.by]
        if cross:
            linked += 1
            for t in cross:
                directions[(c.by, owner[t])] = None
        elif f.trigger_text:
            linked += cfg.linkage_text_weight
    two_way = any((b, a) in directions for a, b in directions)
    linkage = cfg.linkage * linked / n * (1.0 if two_way else cfg.linkage_one_way_factor) * definition
    field_name = FIELD_LABELS["conditional_on"]
    if two_way:
        text = f"Linkage: {_g(linked)} of {n} commitments wait for the other side's step ({field_name}), both ways"
    elif linked:
        text = f"Linkage: {_g(linked)} of {n} commitments wait for another side's step, one way only"
    else:
        text = f"No linkage: no commitment waits for the other side's step ({field_name} is empty)"
    reasons.append(Reason("rec.linkage", text, linkage, cfg.linkage))

    # Phasing (15): >= 2 phases with steps by both sides and a trigger.
    phases: dict[int, None] = {}
    sides: dict[str, None] = {}
    phased_trigger = False
    for c, f in zip(commitments, facts, strict=True):
        if c.phase is None:
            continue
        phases.setdefault(c.phase, None)
        sides.setdefault(c.by, None)
        if f.trigger_text or any(t in owner and owner[t] != c.by for t in c.conditional_on):
            phased_trigger = True
    if len(phases) >= 2 and len(sides) >= 2 and phased_trigger:
        phasing, text = cfg.phasing, f"{len(phases)} phases with steps by both sides, each tied to the other's"
    elif len(phases) >= 2:
        phasing, text = cfg.phasing_partial, "Phases, but one side moves alone or nothing ties the phases together"
    else:
        phasing, text = 0.0, f"No phases ({FIELD_LABELS['phase']} is empty or the same everywhere)"
    phasing *= definition
    reasons.append(Reason("rec.phasing", text, phasing, cfg.phasing))
    if definition < 0.995:
        text = (
            f"Balance, linkage, phasing and verification count {definition:.0%}: you can only weigh, link, "
            f"sequence and check what is defined (specificity {specificity:.0f})"
        )
        reasons.append(Reason("rec.definition", text, 0, 0))

    # Verifiability (20): each performer's steps, weighted by what each costs it; performers count alike.
    shares: dict[str, float] = {}
    weights: dict[str, float] = {}
    floor = catalogue.config.offer.min_weight
    for c, f in zip(commitments, facts, strict=True):
        cost = max(-value_and_source(c, c.by, catalogue)[0], floor)
        shares[c.by] = shares.get(c.by, 0.0) + cost * min(f.verification / spec_cfg.verification_third_party, 1.0)
        weights[c.by] = weights.get(c.by, 0.0) + cost
    shares = {p: shares[p] / weights[p] for p in performers}
    verifiability = cfg.verifiability * sum(shares.values()) / len(shares) * definition
    listed = ", ".join(f"{p}'s steps {shares[p]:.0%}" for p in performers)
    text = f"Verification: {listed} of full verification, weighted by what each step costs its giver"
    reasons.append(Reason("rec.verifiability", text, verifiability, cfg.verifiability))

    # Protection (10): snap-back or reversible benefits; -10 for an irreversible step
    # that comes before the other side's verified step.
    protect = 0.0
    reversible = snapbacks = 0
    exposed: list[str] = []
    by_id = {c.id: (c, f) for c, f in zip(commitments, facts, strict=True)}
    threshold = cfg.verified_step_threshold
    for c, f in zip(commitments, facts, strict=True):
        if f.snapback:
            protect += 1.0
            snapbacks += 1
        elif not f.irreversible:
            protect += cfg.protection_reversible
            reversible += 1
        if f.irreversible and not _after_verified_step(c, by_id, commitments, threshold):
            exposed.append(c.id)
    protection = cfg.protection * protect / n
    if exposed:
        protection -= cfg.irreversible_penalty
    protection = min(max(protection, 0.0), cfg.protection)
    if exposed:
        text = f"Irreversible step (commitment {', '.join(exposed)}) comes before the other side's verified step"
    else:
        noun = "step" if n == 1 else "steps"
        text = f"Protection: of {n} {noun}, {snapbacks} with snap-back, {reversible} merely reversible"
    reasons.append(Reason("rec.protection", text, protection, cfg.protection))

    # GRIT credit (up to +10): a verifiable step that explicitly invites a response.
    grit = 0.0
    grit_id = ""
    for c, f in zip(commitments, facts, strict=True):
        if f.invite and f.verification >= cfg.grit_min_verification:
            credit = cfg.grit * f.verification / spec_cfg.verification_third_party
            if credit > grit:
                grit, grit_id = credit, c.id
    if grit:
        reasons.append(
            Reason(
                "rec.grit", f"GRIT: commitment {grit_id} is a verifiable step that invites a response", grit, cfg.grit
            )  # fmt: skip
        )

    subtotal = balance + linkage + phasing + verifiability + protection
    floor = catalogue.config.offer.stake_floor
    stake = min(at_stake / floor, 1.0) if floor > 0 else 1.0
    if stake < 1:
        reasons.append(
            Reason(
                "rec.stake",
                f"Little is at stake (worth {at_stake:g} in all): the exchange is scaled down to {stake:.0%}",
                subtotal * stake - subtotal,
                0,
            )
        )
        subtotal *= stake
    cap, cap_reason = _cap(parties, performers, gives, gets, ratios, ratio, cfg)
    if cap < 100:
        reasons.append(Reason(cap_reason[0], cap_reason[1], min(subtotal, cap) - subtotal, 0))
    value = min(max(min(subtotal, cap) + grit, 0.0), 100.0)
    return ReciprocityResult(value, tuple(reasons), gives, gets, ratios, shares, tuple(exposed), cap)


def _cap(parties, performers, gives, gets, ratios, ratio, cfg) -> tuple[float, tuple[str, str]]:
    """The ceiling an exchange that is not one puts on reciprocity, and the reason."""
    if not any(gives.values()) and not any(gets.values()):
        text = f"Nothing of value changes hands: reciprocity is capped at {_g(cfg.one_sided_cap)}"
        return cfg.one_sided_cap, ("rec.one_sided", text)
    empty_handed = [p for p in ratios if gets[p] == 0]
    if empty_handed:
        verb = "gives and gets" if len(empty_handed) == 1 else "give and get"
        text = f"{_and(empty_handed)} {verb} nothing in return: reciprocity is capped at {_g(cfg.one_sided_cap)}"
        return cfg.one_sided_cap, ("rec.one_sided", text)
    if len(performers) == 1 and len(parties) >= 2:
        text = f"Only {performers[0]} takes a step; nobody does anything in return: reciprocity is capped at " \
               f"{_g(cfg.one_sided_cap)}"  # fmt: skip
        return cfg.one_sided_cap, ("rec.one_sided", text)
    if ratios and ratio < 1 and cfg.lopsided_exponent > 0:
        cap = cfg.one_sided_cap + (100 - cfg.one_sided_cap) * ratio**cfg.lopsided_exponent
        worst = min(ratios, key=lambda p: ratios[p])
        text = (
            f"{ledger_phrase(worst, gives[worst], gets[worst])}: so lopsided an exchange caps reciprocity at {cap:.0f}"
        )
        return cap, ("rec.lopsided", text)
    return 100.0, ("", "")


def _after_verified_step(c, by_id, commitments, threshold: float) -> bool:
    """True if ``c`` waits for a verified step of another party (linked or in an earlier phase)."""
    for t in c.conditional_on:
        target = by_id.get(t)
        if target is not None and target[0].by != c.by and target[1].verification >= threshold:
            return True
    if c.phase is not None:
        for d in commitments:
            if d.by != c.by and d.phase is not None and d.phase < c.phase and by_id[d.id][1].verification >= threshold:
                return True
    return False
