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


# Scans of one field, by (field name, text). The same texts come back all the
# time (the composer rescores unchanged fields on every keystroke; catalogue
# fields repeat across offers), so a bounded cache pays for itself.
FIELD_CACHE_MAX = 20_000
_FIELD_CACHE: dict[tuple[str, str], tuple] = {}


def _scan_field(name: str, s: str) -> tuple:
    """One field: (tags, first verb class, vague labels in order, undefined term seen,
    deadline tier, verification tier)."""
    lexicon = lx.LEXICON
    raw_lexicon = lx.RAW_LEXICON
    found: set[str] = set()
    verb = None
    vague: dict[str, None] = {}
    undefined = False
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
    if lx.DIGIT_RE.search(s) is not None:
        lx.numeric_markers(s, found, deadline_field=name == "deadline", quantity_field=name in _QUANTITY_FIELDS)
    deadline = _deadline_tier(found)
    if name == "deadline" and deadline == 0:
        deadline = 1.5  # written but unreadable: between "vague" (2 points) and "this year" (10)
    verification = _verification_tier(found, name == "verification")
    if name == "verification" and verification == 0:
        verification = 1  # written, but names no verifier
    return frozenset(found), verb, tuple(vague), undefined, deadline, verification


class _Scan:
    __slots__ = ("every", "action_verb", "text_verb", "vague", "undefined", "deadline", "verification")


def _scan(c: Commitment) -> _Scan:
    """All fields of a commitment, through the field cache."""
    out = _Scan()
    every: set[str] = set()
    vague: dict[str, None] = {}
    undefined = False
    deadline = 0.0
    verification = 0
    action_verb = text_verb = None
    cache = _FIELD_CACHE
    for name in _FIELDS:
        raw = getattr(c, name)
        if raw is None or raw == "":
            continue
        s = lx.lower(raw if isinstance(raw, str) else str(raw))
        key = (name, s)
        result = cache.get(key)
        if result is None:
            result = _scan_field(name, s)
            if FIELD_CACHE_MAX:
                if len(cache) >= FIELD_CACHE_MAX:
                    cache.clear()
                cache[key] = result
        found, verb, labels, undef, d_tier, v_tier = result
        every |= found
        if name == "action":
            action_verb = verb
        elif name == "text":
            text_verb = verb
        for label in labels:
            vague[label] = None
        if undef:
            undefined = True
        if d_tier > deadline:
            deadline = d_tier
        if v_tier > verification:
            verification = v_tier
    out.every = every
    out.action_verb = action_verb
    out.text_verb = text_verb
    out.vague = vague
    out.undefined = undefined
    out.deadline = deadline
    out.verification = verification
    return out


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


# The rubric as a table: (feature, variant) -> points, reason text, improvement hint.
# Built once per SpecificityPoints, so scoring a commitment only looks entries up.
_HINTS = {
    "actor": "Name the state (and body) that carries it out",
    "action": "Use a concrete verb (freeze, dismantle, withdraw, deliver, suspend, allow access)",
    "object": "Say exactly what is covered (the object)",
    "site": "Name the facility or place (Yongbyon, the JSA at Panmunjom)",
    "verification": "Add verification by a named third party with access (IAEA inspectors)",
    "trigger": "Say what triggers it (conditional on the other side's step, 'upon ...')",
    "duration": "Say how long it lasts ('permanently', 'for 2 years', snap-back)",
    "defined_terms": "Define the key terms ('defined as', 'including', a list)",
}


def _rubric(cfg) -> list[tuple[str, object, float, str, float, str]]:
    """(code, variant, points, reason text, max points, improvement hint)."""
    return [
        ("actor", False, 0.0, "No single actor named", cfg.actor, _HINTS["actor"]),
        ("action", lx.VERB_CONCRETE, cfg.action_concrete, "Concrete action verb", cfg.action_concrete, ""),
        ("action", lx.VERB_PROCEDURAL, cfg.action_procedural, "Procedural action (talks, a body): not yet a deed",
         cfg.action_concrete, _HINTS["action"]),
        ("action", lx.VERB_ASPIRATIONAL, cfg.action_aspirational, "Aspirational verb (work toward, seek, promote)",
         cfg.action_concrete, _HINTS["action"]),
        ("action", "unknown", cfg.action_unknown, "Action verb not in the lexicon of concrete deeds",
         cfg.action_concrete, _HINTS["action"]),
        ("action", None, 0.0, "No action verb", cfg.action_concrete, _HINTS["action"]),
        ("object", "field", cfg.object, "Object stated", cfg.object, _HINTS["object"]),
        ("object", "text", cfg.object, "Object named in the text", cfg.object, _HINTS["object"]),
        ("object", None, 0.0, "No object: what exactly is covered?", cfg.object, _HINTS["object"]),
        ("quantity", "unit", cfg.quantity_with_unit, "Quantity with a unit", cfg.quantity_with_unit, ""),
        ("quantity", "bare", cfg.quantity_without_unit, "Quantity without a unit", cfg.quantity_with_unit,
         "Add the unit to the quantity"),
        ("quantity", None, 0.0, "No quantity", cfg.quantity_with_unit,
         "Add a quantity with a unit (11 guard posts, 50,000 t, 5 km)"),
        ("site", "field", cfg.site, "Site named", cfg.site, _HINTS["site"]),
        ("site", "text", cfg.site, "Named place in the text", cfg.site, _HINTS["site"]),
        ("site", None, 0.0, "No site", cfg.site, _HINTS["site"]),
        ("deadline", 3, cfg.deadline_date, "Deadline is a date or 'within N days'", cfg.deadline_date, ""),
        ("deadline", 2, cfg.deadline_year, "Deadline is a year or 'immediately', not a date", cfg.deadline_date,
         "Make the deadline a date or 'within N days'"),
        ("deadline", 1.5, cfg.deadline_unrecognised, "Deadline written but not a recognisable date",
         cfg.deadline_date, "Make the deadline a date or 'within N days'"),
        ("deadline", 1, cfg.deadline_vague, "Deadline is vague ('at an early date')", cfg.deadline_date,
         "Make the deadline a date or 'within N days'"),
        ("deadline", 0, 0.0, "No deadline", cfg.deadline_date, "Add a deadline (a date or 'within N days')"),
        ("verification", 4, cfg.verification_third_party, "Verified by a named third party with access",
         cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 3, cfg.verification_joint, "Joint or on-site verification", cfg.verification_third_party,
         _HINTS["verification"]),
        ("verification", 2, cfg.verification_observers, "Observers or monitoring only",
         cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 1, cfg.verification_other, "Verification by witnesses or self-reporting only",
         cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 0, 0.0, "No verification", cfg.verification_third_party, _HINTS["verification"]),
        ("trigger", "link", cfg.trigger, "Conditional on another commitment", cfg.trigger, _HINTS["trigger"]),
        ("trigger", "text", cfg.trigger, "Trigger stated ('upon', 'in parallel with')", cfg.trigger,
         _HINTS["trigger"]),
        ("trigger", None, 0.0, "No trigger or condition", cfg.trigger, _HINTS["trigger"]),
        ("duration", "field", cfg.duration, "Duration stated", cfg.duration, _HINTS["duration"]),
        ("duration", "text", cfg.duration, "Duration, permanence or snap-back stated", cfg.duration,
         _HINTS["duration"]),
        ("duration", None, 0.0, "No duration, permanence or snap-back", cfg.duration, _HINTS["duration"]),
        ("defined_terms", "defined", cfg.defined_terms, "Key terms defined", cfg.defined_terms,
         _HINTS["defined_terms"]),
        ("defined_terms", "clean", cfg.defined_terms, "No undefined terms of art", cfg.defined_terms,
         _HINTS["defined_terms"]),
        ("defined_terms", "undefined", 0.0, "Key terms left undefined", cfg.defined_terms, _HINTS["defined_terms"]),
        ("defined_terms", None, 0.0, "Nothing defined: no object or site", cfg.defined_terms,
         _HINTS["defined_terms"]),
    ]  # fmt: skip


class _Book:
    """Prebuilt reasons and improvements of one SpecificityPoints."""

    def __init__(self, cfg) -> None:
        self.cfg = cfg
        self.entries: dict[tuple[str, object], tuple[float, Reason, tuple | None]] = {}
        for code, variant, pts, text, max_pts, hint in _rubric(cfg):
            gain = max_pts - pts
            miss = (code, hint, gain, Improvement(hint, gain, code)) if gain > 0 else None
            self.entries[(code, variant)] = (pts, Reason(code, text, pts, max_pts), miss)
        self.actors: dict[str, Reason] = {}
        self.vague: dict[tuple[str, float], Reason] = {}


_BOOKS: dict[int, _Book] = {}


def _book(cfg) -> _Book:
    book = _BOOKS.get(id(cfg))
    if book is None or book.cfg is not cfg:
        if len(_BOOKS) > 256:
            _BOOKS.clear()
        book = _BOOKS[id(cfg)] = _Book(cfg)
    return book


def analyse_commitment(c: Commitment, catalogue: Catalogue) -> CommitmentFacts:
    """Score one commitment against the rubric; also return the facts reciprocity needs."""
    cfg = catalogue.config.specificity
    book = _book(cfg)
    entries = book.entries
    scan = _scan(c)
    every = scan.every
    reasons: list[Reason] = []
    missed: list[tuple] = []  # (code, hint, gain in rubric points, prebuilt Improvement)
    total = 0.0

    # actor (10): the state that carries it out
    by = c.by or ""
    if by and by.strip().lower() not in lx.VAGUE_ACTORS:
        total += cfg.actor
        reason = book.actors.get(by)
        if reason is None:
            if len(book.actors) > 1000:
                book.actors.clear()
            reason = book.actors[by] = Reason("actor", f"Actor named: {by}", cfg.actor, cfg.actor)
        reasons.append(reason)
    else:
        pts, reason, miss = entries[("actor", False)]
        reasons.append(reason)
        missed.append(miss)

    # action (15 concrete / 7 procedural / 0 aspirational), object, quantity, site
    verb = (scan.action_verb or "unknown") if c.action else scan.text_verb
    object_variant = "field" if c.object else ("text" if lx.OBJECT in every else None)
    has_q = c.quantity is not None and c.quantity != ""
    if lx.QUANTITY in every or (has_q and c.unit):
        quantity_variant = "unit"
    else:
        quantity_variant = "bare" if has_q else None
    site_variant = "field" if c.site else ("text" if lx.SITE in every else None)
    trigger_text = lx.TRIGGER in every
    trigger_variant = "link" if c.conditional_on else ("text" if trigger_text else None)
    duration_variant = "field" if c.duration else ("text" if lx.DURATION in every else None)
    defined = lx.DEFINITION in every
    if defined:
        defined_variant = "defined"
    elif not scan.undefined and (object_variant or site_variant):
        defined_variant = "clean"
    else:
        defined_variant = "undefined" if scan.undefined else None

    ver_pts = 0.0
    for key in (
        ("action", verb),
        ("object", object_variant),
        ("quantity", quantity_variant),
        ("site", site_variant),
        ("deadline", scan.deadline),
        ("verification", scan.verification),
        ("trigger", trigger_variant),
        ("duration", duration_variant),
        ("defined_terms", defined_variant),
    ):
        pts, reason, miss = entries[key]
        total += pts
        reasons.append(reason)
        if miss is not None:
            missed.append(miss)
        if key[0] == "verification":
            ver_pts = pts

    # vague terms: -5 each, at most -25 (DIMI)
    labels = [label for label in scan.vague if not (defined and "undefined-vague:" + label in every)]
    if c.phase is None and lx.PHASED in every:
        labels.append("phased manner")
    if labels:
        penalty = min(cfg.vague_term * len(labels), cfg.vague_cap)
        total -= penalty
        left = penalty
        for label in labels:
            cost = min(cfg.vague_term, left)
            left -= cost
            reason = book.vague.get((label, cost))
            if reason is None:
                if len(book.vague) > 1000:
                    book.vague.clear()
                text = f'Vague term: "{label}"' if cost else f'Vague term: "{label}" (penalty already at its cap)'
                reason = book.vague[(label, cost)] = Reason("vague", text, -cost, 0)
            reasons.append(reason)
        quoted = ", ".join(f'"{label}"' for label in labels)
        hint = f"Replace vague wording ({quoted}) with concrete terms"
        missed.append(("vague", hint, penalty, None))

    score = 0.0 if total < 0 else (100.0 if total > 100 else total)
    improvements = []
    for code, hint, gain, prebuilt in missed:
        real = min(max(total + gain, 0.0), 100.0) - score
        if real > 0:
            improvements.append(prebuilt if prebuilt is not None and real == gain else Improvement(hint, real, code))
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
