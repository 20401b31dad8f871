"""Reciprocity: does each side give something, in step, and can each side check?

Keohane (1986) separates *specific* reciprocity (specified partners exchange
items of equivalent value in a delimited sequence) from *diffuse* reciprocity;
the Six-Party Talks put it as "commitment for commitment, action for action".
Osgood's GRIT adds that a verifiable unilateral step that explicitly invites a
response can start the exchange. The brief: "Trump should also be prepared to
give something to Kim if North Korea agrees to U.S. demands."

Components (SCORING.md, "Reciprocity of an offer"): balance, linkage, phasing,
verifiability, protection, plus GRIT credit; a one-sided offer is capped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Catalogue, Improvement, Offer, Reason
from .specificity import CommitmentFacts, commitment_value


@dataclass(frozen=True, slots=True)
class ReciprocityResult:
    value: float
    reasons: tuple[Reason, ...]
    improvements: tuple[Improvement, ...]


def _g(x: float) -> str:
    return f"{round(x, 1):g}"


def offer_reciprocity(
    offer: Offer,
    facts: list[CommitmentFacts],
    parties: tuple[str, ...],
    specificity: float,
    catalogue: Catalogue,
) -> ReciprocityResult:
    cfg = catalogue.config.reciprocity
    spec_cfg = catalogue.config.specificity
    commitments = offer.commitments
    n = len(commitments)
    if n == 0:
        return ReciprocityResult(0.0, (Reason("rec.empty", "No commitments", 0, 100),), ())

    # Who performs, who gives up what, who receives what (each in its own values).
    performers: dict[str, None] = {}
    for c in commitments:
        performers.setdefault(c.by, None)
    gives = dict.fromkeys(parties, 0.0)
    gets = dict.fromkeys(parties, 0.0)
    for c in commitments:
        for p in parties:
            v = commitment_value(c, p, catalogue)
            if v < 0:
                gives[p] -= v
            elif v > 0:
                gets[p] += v

    reasons: list[Reason] = []
    # (component, improvement text, component gain)
    ideas: list[tuple[str, str, float]] = []

    # Balance (35): min over giving parties of min(R, G) / max(R, G).
    giving = [p for p in parties if gives[p] > 0]
    free_riders = [p for p in parties if p not in performers and gets[p] > 0] if giving else []
    ratios = [(p, min(gives[p], gets[p]) / max(gives[p], gets[p])) for p in giving]
    ratios += [(p, 0.0) for p in free_riders]
    if ratios:
        if cfg.balance_mode == "mean":
            ratio = sum(r for _, r in ratios) / len(ratios)
        else:
            ratio = min(r for _, r in ratios)
    elif any(gets[p] > 0 for p in parties):
        ratio = 1.0  # everybody gains and nobody pays: nothing to balance
    else:
        ratio = 0.0
    definition = cfg.balance_definition_floor + (1 - cfg.balance_definition_floor) * specificity / 100
    balance = cfg.balance * ratio * definition
    ledger = "; ".join(f"{p} gives {_g(gives[p])}, gets {_g(gets[p])}" for p in parties)
    if not ratios and ratio == 1.0:
        text = f"Balance: mutual gains, nobody pays ({ledger})"
    else:
        text = f"Balance {ratio:.2f} x definition {definition:.2f} ({ledger})"
    reasons.append(Reason("rec.balance", text, balance, cfg.balance))
    full_balance = cfg.balance * definition
    if ratios and ratio < 1:
        worst, worst_ratio = min(ratios, key=lambda t: t[1])
        if worst in free_riders:
            hint = f"{worst} receives but gives nothing: ask {worst} for a step in return"
        elif gets[worst] < gives[worst]:
            hint = f"{worst} gives {_g(gives[worst])} but gets {_g(gets[worst])} (its own values): give {worst} more"
        else:
            hint = f"{worst} gets {_g(gets[worst])} but gives {_g(gives[worst])}: ask {worst} for more in return"
        ideas.append(("rec.balance", hint, full_balance - balance))
    if definition < 1:
        ideas.append(
            (
                "rec.balance",
                "Define what is exchanged (raise specificity): balance counts only what can be weighed",
                cfg.balance * ratio - balance,
            )
        )

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
    factor = 1.0 if two_way else cfg.linkage_one_way_factor
    linkage = cfg.linkage * linked / n * factor
    if two_way:
        text = f"Linkage: {_g(linked)} of {n} commitments tied to the other side's, both ways"
    elif linked:
        text = f"Linkage: {_g(linked)} of {n} commitments tied to another's, one way only"
    else:
        text = "No linkage: no commitment is conditional on the other side's"
    reasons.append(Reason("rec.linkage", text, linkage, cfg.linkage))
    if linkage < cfg.linkage:
        ideas.append(
            (
                "rec.linkage",
                "Make each side's commitments conditional on the other's (conditional_on), both ways",
                cfg.linkage - linkage,
            )
        )

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
        phasing, text = cfg.phasing, f"{len(phases)} phases, steps by both sides, with triggers"
    elif len(phases) >= 2:
        phasing, text = cfg.phasing_partial, "Phased, but one side moves first or no trigger links the phases"
    else:
        phasing, text = 0.0, "No phases"
    reasons.append(Reason("rec.phasing", text, phasing, cfg.phasing))
    if phasing < cfg.phasing:
        ideas.append(
            (
                "rec.phasing",
                "Number the phases (≥ 2) with steps by both sides in each, the next phase triggered by the last",
                cfg.phasing - phasing,
            )
        )

    # Verifiability (20): the lowest performing party's mean verification.
    per_party: dict[str, list[float]] = {}
    for c, f in zip(commitments, facts, strict=True):
        per_party.setdefault(c.by, []).append(f.verification / spec_cfg.verification_third_party)
    means = [(p, sum(v) / len(v)) for p, v in per_party.items()]
    weakest, weakest_mean = min(means, key=lambda t: t[1])
    verifiability = cfg.verifiability * min(max(weakest_mean, 0.0), 1.0)
    if weakest_mean >= 1:
        text = "Verifiability: every party's steps are checked by a named third party"
    else:
        text = f"Verifiability: {weakest}'s steps are the least checkable ({weakest_mean:.0%})"
    reasons.append(Reason("rec.verifiability", text, verifiability, cfg.verifiability))
    if verifiability < cfg.verifiability:
        ideas.append(
            (
                "rec.verifiability",
                f"Add verification to {weakest}'s commitments (IAEA or other named inspectors with access)",
                cfg.verifiability - verifiability,
            )
        )

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
        text = f"Irreversible step ({', '.join(exposed)}) before the other side's verified step"
    else:
        noun = "step" if n == 1 else "steps"
        text = f"Protection: of {n} {noun}, {snapbacks} with snap-back, {reversible} merely reversible"
    reasons.append(Reason("rec.protection", text, protection, cfg.protection))
    if exposed:
        ideas.append(
            (
                "rec.protection",
                f"Make {exposed[0]} conditional on the other side's verified step, or put it in a later phase",
                min(cfg.irreversible_penalty, cfg.protection - protection),
            )
        )
    elif protection < cfg.protection:
        ideas.append(
            (
                "rec.protection",
                "Add a snap-back clause (benefits reinstated/reimposed if the other side defaults)",
                cfg.protection - protection,
            )
        )

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
            Reason("rec.grit", f"GRIT: {grit_id} is a verifiable step that invites a response", grit, cfg.grit)
        )

    subtotal = balance + linkage + phasing + verifiability + protection
    cap = 100.0
    if len(performers) == 1 and len(parties) >= 2:
        cap = cfg.one_sided_cap
        others = ", ".join(p for p in parties if p not in performers)
        lone = next(iter(performers))
        reasons.append(
            Reason(
                "rec.one_sided",
                f"{others} gives nothing in return: reciprocity capped at {_g(cap)}",
                min(subtotal, cap) - subtotal,
                0,
            )
        )
    value = min(min(subtotal, cap) + grit, 100.0)
    value = max(value, 0.0)

    improvements: list[tuple[float, int, Improvement]] = []
    if cap < 100:
        uncapped = min(subtotal + full_balance - balance + grit, 100.0)
        gain = uncapped - value
        others = ", ".join(p for p in parties if p not in performers)
        text = f"{others} gives nothing in return: ask {others} for a step for {lone} (lifts the cap of {_g(cap)})"
        if gain > 0:
            improvements.append((-gain, -1, Improvement(text, round(gain, 1), "rec.one_sided")))
    for rank, (code, text, component_gain) in enumerate(ideas):
        new_value = min(max(min(subtotal + component_gain, cap) + grit, 0.0), 100.0)
        gain = new_value - value
        if gain >= 0.05:
            improvements.append((-gain, rank, Improvement(text, round(gain, 1), code)))
    improvements.sort(key=lambda t: (t[0], t[1]))
    return ReciprocityResult(value, tuple(reasons), tuple(i for _, _, i in improvements))


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
