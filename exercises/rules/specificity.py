"""Specificity: how precisely a commitment defines the conduct it requires.

Abbott et al. (2000) call this *precision*: rules that unambiguously define the
conduct they require. The brief's lesson is that the inter-Korean military
agreement was implemented because it said who, what, how many, where, by when
and checked by whom; the Singapore statement was not because it said none of it.
Each rubric line of SCORING.md ("Specificity of one commitment") is one feature
below; each earns points, explains itself (a ``Reason``) and, when missed, says
what to add (an ``Improvement``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lexicon as lx
from .model import Catalogue, Commitment, CommitmentScore, Improvement, Offer, Reason

# The fields searched for numbers with units (not the verification field: "the
# 1718 Committee" is a name, not a quantity).
_QUANTITY_FIELDS = frozenset({"action", "object", "quantity", "unit", "text"})
_FIELDS = ("action", "text", "object", "quantity", "unit", "site", "deadline", "verification", "duration")

_CACHE: dict = {}


def _reason(code: str, text: str, points: float, max_points: float) -> Reason:
    # Reasons repeat endlessly ("Deadline is a calendar date"); share the objects.
    key = ("r", code, text, points, max_points)
    r = _CACHE.get(key)
    if r is None:
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        r = _CACHE[key] = Reason(code, text, points, max_points)
    return r


def _improvement(code: str, text: str, gain: float) -> Improvement:
    key = ("i", code, text, gain)
    i = _CACHE.get(key)
    if i is None:
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        i = _CACHE[key] = Improvement(text, gain, code)
    return i


@dataclass(frozen=True, slots=True)
class CommitmentFacts:
    """What reciprocity needs to know about a scored commitment."""

    score: CommitmentScore
    verification: float  # verification points earned (0..15 by default)
    vague: bool  # at least one vague term (DIMI: the clause is vague)
    trigger_text: bool  # a trigger word ("upon", "in exchange for") in the text
    snapback: bool
    irreversible: bool  # irreversible in the text or in the catalogue
    invite: bool  # the text invites a response (GRIT)


def _scan(c: Commitment) -> tuple[dict[str, set[str]], dict[str, str | None], dict[str, None], bool]:
    """Tags found per field, first verb class per field, vague labels (ordered), undefined seen."""
    tags: dict[str, set[str]] = {}
    first_verb: dict[str, str | None] = {}
    vague: dict[str, None] = {}
    undefined = False
    lexicon = lx.LEXICON
    raw_lexicon = lx.RAW_LEXICON
    for name in _FIELDS:
        raw = getattr(c, name)
        if raw is None or raw == "":
            continue
        s = lx.lower(raw if isinstance(raw, str) else str(raw))
        found: set[str] = set()
        verb = None
        for m in lx.PHRASE_RE.finditer(s):
            text = m.group()
            entry = raw_lexicon.get(text)
            if entry is None:
                entry = lexicon.get(lx.normalise(text))
                if entry is None:
                    continue
            label, etags = entry
            found.update(etags)
            if verb is None:
                for t in etags:
                    if t.startswith("verb:"):
                        verb = t
                        break
            if lx.VAGUE in etags:
                vague[label] = None
            if lx.UNDEFINED in etags:
                undefined = True
                if lx.VAGUE in etags:
                    found.add("undefined-vague:" + label)
            if lx.PHASED in etags:
                found.add(lx.PHASED)
        if lx.DIGIT_RE.search(s) is not None:
            lx.numeric_markers(s, found, deadline_field=name == "deadline", quantity_field=name in _QUANTITY_FIELDS)
        tags[name] = found
        first_verb[name] = verb
    return tags, first_verb, vague, undefined


def _deadline_tier(found: set[str]) -> int:
    if lx.DEADLINE_DATE in found:
        return 3
    if lx.DEADLINE_YEAR in found:
        return 2
    if lx.DEADLINE_VAGUE in found:
        return 1
    return 0


def _verification_tier(found: set[str], in_field: bool) -> int:
    if lx.VERIFY_THIRD in found or (in_field and lx.FIELD_THIRD in found):
        return 4
    if lx.VERIFY_JOINT in found or (in_field and lx.FIELD_JOINT in found):
        return 3
    if lx.VERIFY_OBSERVERS in found or (in_field and lx.FIELD_OBSERVERS in found):
        return 2
    if lx.VERIFY_OTHER in found:
        return 1
    return 0


_EMPTY: set[str] = set()


def analyse_commitment(c: Commitment, catalogue: Catalogue) -> CommitmentFacts:
    """Score one commitment against the rubric; also return the facts reciprocity needs."""
    cfg = catalogue.config.specificity
    tags, first_verb, vague, undefined = _scan(c)
    every: set[str] = set().union(*tags.values()) if tags else _EMPTY
    reasons: list[Reason] = []
    missed: list[tuple[str, str, float]] = []  # (code, improvement text, gain in rubric points)
    total = 0.0

    # actor (10): the state that carries it out
    by = c.by or ""
    if by and by.strip().lower() not in lx.VAGUE_ACTORS:
        total += cfg.actor
        reasons.append(_reason("actor", f"Actor named: {by}", cfg.actor, cfg.actor))
    else:
        reasons.append(_reason("actor", "No single actor named", 0, cfg.actor))
        missed.append(("actor", "Name the state (and body) that carries it out", cfg.actor))

    # action (15 concrete / 7 procedural / 0 aspirational)
    if c.action:
        verb = first_verb.get("action") or "unknown"
    else:
        verb = first_verb.get("text")
    best = cfg.action_concrete
    if verb == lx.VERB_CONCRETE:
        pts, text = cfg.action_concrete, "Concrete action verb"
    elif verb == lx.VERB_PROCEDURAL:
        pts, text = cfg.action_procedural, "Procedural action (talks, a body): not yet a deed"
    elif verb == lx.VERB_ASPIRATIONAL:
        pts, text = cfg.action_aspirational, "Aspirational verb (work toward, seek, promote)"
    elif verb == "unknown":
        pts, text = cfg.action_unknown, "Action verb not in the lexicon of concrete deeds"
    else:
        pts, text = 0.0, "No action verb"
    total += pts
    reasons.append(_reason("action", text, pts, best))
    if pts < best:
        missed.append(
            ("action", "Use a concrete verb (freeze, dismantle, withdraw, deliver, suspend, allow access)", best - pts)
        )

    # object (10)
    if c.object:
        pts, text = cfg.object, "Object stated"
    elif lx.OBJECT in every:
        pts, text = cfg.object, "Object named in the text"
    else:
        pts, text = 0.0, "No object: what exactly is covered?"
    total += pts
    object_pts = pts
    reasons.append(_reason("object", text, pts, cfg.object))
    if pts < cfg.object:
        missed.append(("object", "Say exactly what is covered (the object)", cfg.object - pts))

    # quantity with unit (10)
    has_q = c.quantity is not None and c.quantity != ""
    qty_marker = False
    for name in _QUANTITY_FIELDS:
        if lx.QUANTITY in tags.get(name, _EMPTY):
            qty_marker = True
            break
    if qty_marker or (has_q and c.unit):
        pts, text = cfg.quantity_with_unit, "Quantity with a unit"
    elif has_q:
        pts, text = cfg.quantity_without_unit, "Quantity without a unit"
    else:
        pts, text = 0.0, "No quantity"
    total += pts
    reasons.append(_reason("quantity", text, pts, cfg.quantity_with_unit))
    if pts < cfg.quantity_with_unit:
        hint = (
            "Add the unit to the quantity" if has_q else "Add a quantity with a unit (11 guard posts, 50,000 t, 5 km)"
        )
        missed.append(("quantity", hint, cfg.quantity_with_unit - pts))

    # site (10)
    if c.site:
        pts, text = cfg.site, "Site named"
    elif lx.SITE in every:
        pts, text = cfg.site, "Named place in the text"
    else:
        pts, text = 0.0, "No site"
    total += pts
    site_pts = pts
    reasons.append(_reason("site", text, pts, cfg.site))
    if pts < cfg.site:
        missed.append(("site", "Name the facility or place (Yongbyon, the JSA at Panmunjom)", cfg.site - pts))

    # deadline (15 date or within N / 10 this year / 2 early date)
    tier = 0.0
    for name, found in tags.items():
        t = _deadline_tier(found)
        if name == "deadline" and t == 0:
            t = 1.5  # written but unreadable: between "vague" (2 points) and "this year" (10)
        if t > tier:
            tier = t
    if tier == 3:
        pts, text = cfg.deadline_date, "Deadline is a date or 'within N days'"
    elif tier == 2:
        pts, text = cfg.deadline_year, "Deadline is a year or 'immediately', not a date"
    elif tier == 1.5:
        pts, text = cfg.deadline_unrecognised, "Deadline written but not a recognisable date"
    elif tier == 1:
        pts, text = cfg.deadline_vague, "Deadline is vague ('at an early date')"
    else:
        pts, text = 0.0, "No deadline"
    total += pts
    reasons.append(_reason("deadline", text, pts, cfg.deadline_date))
    if pts < cfg.deadline_date:
        hint = (
            "Add a deadline (a date or 'within N days')" if tier == 0 else "Make the deadline a date or 'within N days'"
        )
        missed.append(("deadline", hint, cfg.deadline_date - pts))

    # verification (15 third party / 12 joint on-site / 8 observers)
    tier = 0
    for name, found in tags.items():
        in_field = name == "verification"
        t = _verification_tier(found, in_field)
        if in_field and t == 0:
            t = 1
        tier = max(tier, t)
    if tier == 4:
        ver_pts, text = cfg.verification_third_party, "Verified by a named third party with access"
    elif tier == 3:
        ver_pts, text = cfg.verification_joint, "Joint or on-site verification"
    elif tier == 2:
        ver_pts, text = cfg.verification_observers, "Observers or monitoring only"
    elif tier == 1:
        ver_pts, text = cfg.verification_other, "Verification by witnesses or self-reporting only"
    else:
        ver_pts, text = 0.0, "No verification"
    total += ver_pts
    reasons.append(_reason("verification", text, ver_pts, cfg.verification_third_party))
    if ver_pts < cfg.verification_third_party:
        hint = "Add verification by a named third party with access (IAEA inspectors)"
        missed.append(("verification", hint, cfg.verification_third_party - ver_pts))

    # trigger / condition (5)
    trigger_text = lx.TRIGGER in every
    if c.conditional_on:
        pts, text = cfg.trigger, "Conditional on another commitment"
    elif trigger_text:
        pts, text = cfg.trigger, "Trigger stated ('upon', 'in parallel with')"
    else:
        pts, text = 0.0, "No trigger or condition"
    total += pts
    reasons.append(_reason("trigger", text, pts, cfg.trigger))
    if pts < cfg.trigger:
        missed.append(
            ("trigger", "Say what triggers it (conditional on the other side's step, 'upon ...')", cfg.trigger - pts)
        )

    # duration, permanence or snap-back (5)
    if c.duration:
        pts, text = cfg.duration, "Duration stated"
    elif lx.DURATION in every:
        pts, text = cfg.duration, "Duration, permanence or snap-back stated"
    else:
        pts, text = 0.0, "No duration, permanence or snap-back"
    total += pts
    reasons.append(_reason("duration", text, pts, cfg.duration))
    if pts < cfg.duration:
        missed.append(
            ("duration", "Say how long it lasts ('permanently', 'for 2 years', snap-back)", cfg.duration - pts)
        )

    # key terms defined (5)
    defined = lx.DEFINITION in every
    if defined:
        pts, text = cfg.defined_terms, "Key terms defined"
    elif not undefined and (object_pts or site_pts):
        pts, text = cfg.defined_terms, "No undefined terms of art"
    elif undefined:
        pts, text = 0.0, "Key terms left undefined"
    else:
        pts, text = 0.0, "Nothing defined: no object or site"
    total += pts
    reasons.append(_reason("defined_terms", text, pts, cfg.defined_terms))
    if pts < cfg.defined_terms:
        missed.append(
            ("defined_terms", "Define the key terms ('defined as', 'including', a list)", cfg.defined_terms - pts)
        )

    # vague terms: -5 each, at most -25 (DIMI)
    labels = [label for label in vague if not (defined and "undefined-vague:" + label in every)]
    if c.phase is None and lx.PHASED in every:
        labels.append("phased manner")
    penalty = min(cfg.vague_term * len(labels), cfg.vague_cap)
    if labels:
        total -= penalty
        left = penalty
        for label in labels:
            cost = min(cfg.vague_term, left)
            left -= cost
            text = f'Vague term: "{label}"' if cost else f'Vague term: "{label}" (penalty already at its cap)'
            reasons.append(_reason("vague", text, -cost, 0))
        quoted = ", ".join(f'"{label}"' for label in labels)
        missed.append(("vague", f"Replace vague wording ({quoted}) with concrete terms", penalty))

    score = 0.0 if total < 0 else (100.0 if total > 100 else total)
    improvements = []
    for code, text, gain in missed:
        real = min(max(total + gain, 0.0), 100.0) - score
        if real > 0:
            improvements.append(_improvement(code, text, real))
    improvements.sort(key=_by_gain)
    item = catalogue.item(c.kind)
    irreversible = lx.IRREVERSIBLE in every or bool(item is not None and item.irreversible)
    return CommitmentFacts(
        score=CommitmentScore(c.id, int(score + 0.5), tuple(reasons), tuple(improvements)),
        verification=ver_pts,
        vague=bool(labels),
        trigger_text=trigger_text,
        snapback=lx.SNAPBACK in every,
        irreversible=irreversible,
        invite=lx.INVITE in every,
    )


def _by_gain(i: Improvement) -> float:
    return -i.gain  # list.sort is stable: equal gains keep rubric order


def score_commitment(c: Commitment, catalogue: Catalogue) -> CommitmentScore:
    """Specificity 0-100 of one commitment, with reasons and improvements."""
    return analyse_commitment(c, catalogue).score


# Offer ---------------------------------------------------------------------------


def commitment_value(c: Commitment, party: str, catalogue: Catalogue) -> float:
    """Value of ``c`` to ``party`` in the party's own values.

    Order: the commitment's own ``value`` override, then the catalogue item (its
    ``default_value`` for parties it does not list), then the config defaults for
    a free-text commitment: the giver loses ``default_giver`` (-3), each receiver
    gains ``default_receiver`` (+3), anyone else 0.
    """
    if c.value:
        for name, v in c.value:
            if name == party:
                return v
    item = catalogue.item(c.kind)
    if item is not None:
        return item.value(party)
    if party == c.by:
        return catalogue.config.values.default_giver
    if party in c.to:
        return catalogue.config.values.default_receiver
    return 0.0


def commitment_weights(offer: Offer, parties: tuple[str, ...], catalogue: Catalogue) -> list[float]:
    """Weight of each commitment = sum over parties of |value|, at least ``min_weight``."""
    floor = catalogue.config.offer.min_weight
    weights = []
    for c in offer.commitments:
        w = 0.0
        for p in parties:
            w += abs(commitment_value(c, p, catalogue))
        weights.append(max(w, floor))
    return weights


@dataclass(frozen=True, slots=True)
class OfferSpecificityResult:
    value: float
    reasons: tuple[Reason, ...]
    improvements: tuple[Improvement, ...]


def offer_specificity(
    offer: Offer, facts: list[CommitmentFacts], weights: list[float], catalogue: Catalogue
) -> OfferSpecificityResult:
    """Value-weighted mean, blended with the share of non-vague clauses (DIMI), capped
    by the "core" (a vague core cannot be rescued by precise trivia)."""
    cfg = catalogue.config.offer
    n = len(facts)
    if n == 0:
        return OfferSpecificityResult(0.0, (Reason("spec.empty", "No commitments", 0, 100),), ())
    scores = [f.score.specificity for f in facts]
    total_w = sum(weights)
    mean = sum(w * s for w, s in zip(weights, scores, strict=True)) / total_w
    clear = sum(1 for f in facts if not f.vague)
    share = clear / n
    blend = cfg.weight_mean * mean + cfg.weight_non_vague * 100 * share

    order = sorted(range(n), key=lambda i: -weights[i])  # stable: ties keep offer order
    core: list[int] = []
    acc = 0.0
    for i in order:
        core.append(i)
        acc += weights[i]
        if acc >= cfg.core_share * total_w:
            break
    core_w = sum(weights[i] for i in core)
    core_mean = sum(weights[i] * scores[i] for i in core) / core_w
    cap = core_mean + cfg.core_margin
    value = min(blend, cap)
    value = min(max(value, 0.0), 100.0)

    reasons = [
        Reason(
            "spec.mean",
            f"Value-weighted mean of {n} commitment scores: {mean:.0f}",
            cfg.weight_mean * mean,
            cfg.weight_mean * 100,
        ),
        Reason(
            "spec.non_vague",
            f"{clear} of {n} clauses free of vague terms",
            cfg.weight_non_vague * 100 * share,
            cfg.weight_non_vague * 100,
        ),
    ]
    core_ids = ", ".join(offer.commitments[i].id for i in sorted(core))
    if blend > cap:
        reasons.append(
            Reason(
                "spec.core",
                f"Vague core: the most valuable commitments ({core_ids}) average {core_mean:.0f}, "
                f"so the offer is capped at {cap:.0f}",
                cap - blend,
                0,
            )
        )

    # Offer-level gain of each commitment improvement, all else equal.
    candidates: list[tuple[float, int, Improvement]] = []
    core_set = dict.fromkeys(core)
    rank = 0
    for i, f in enumerate(facts):
        for imp in f.score.improvements:
            new_mean = mean + weights[i] / total_w * imp.gain
            new_share = share + (1 / n if imp.code == "vague" else 0.0)
            new_blend = cfg.weight_mean * new_mean + cfg.weight_non_vague * 100 * new_share
            new_cap = cap + (weights[i] / core_w * imp.gain if i in core_set else 0.0)
            new_value = min(max(min(new_blend, new_cap), 0.0), 100.0)
            gain = new_value - value
            if gain >= 0.05:
                text = f"{offer.commitments[i].id}: {imp.text} (+{imp.gain:g} on the commitment)"
                candidates.append((-gain, rank, Improvement(text, round(gain, 1), "spec." + imp.code)))
            rank += 1
    candidates.sort(key=lambda t: (t[0], t[1]))
    improvements = tuple(c[2] for c in candidates[:6])
    return OfferSpecificityResult(value, tuple(reasons), improvements)
