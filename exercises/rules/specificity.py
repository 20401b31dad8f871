"""Specificity: how precisely a commitment defines the conduct it requires.

Abbott et al. (2000) call this *precision*: rules that unambiguously define the
conduct they require. The brief's lesson is that a detailed military
agreement was implemented because it said who, what, how many, where, by when
and checked by whom; a vague summit statement was not because it said none of it.
Each rubric line of SCORING.md ("Specificity of one commitment") is one feature
below; each earns points, explains itself (a ``Reason``) and, when missed, says
what to add (an ``Improvement``).
"""

from __future__ import annotations

from dataclasses import dataclass

from . import lexicon as lx
from .calendar import DeadlineCredit, judge_deadline
from .model import FIELD_LABELS, Catalogue, Commitment, CommitmentScore, Improvement, Offer, Reason
from .values import commitment_value, value_note

# The fields searched for numbers with units (not the verification field: a
# committee named by a resolution's number is a name, not a quantity).
_QUANTITY_FIELDS = frozenset({"action", "object", "quantity", "unit", "text"})
_FIELDS = ("action", "text", "object", "quantity", "unit", "site", "deadline", "verification", "duration")


@dataclass(slots=True)
class CommitmentFacts:
    """What reciprocity and the hints need to know about a scored commitment (read only;
    not frozen because it is built for every commitment scored, and frozen is slower)."""

    score: CommitmentScore
    verification: float  # verification points earned (0..15 by default)
    vague: bool  # at least one vague term (DIMI: the clause is vague)
    trigger_text: bool  # a trigger word ("upon", "in exchange for") in the text
    snapback: bool
    irreversible: bool  # irreversible in the text or in the catalogue
    invite: bool  # the text invites a response (GRIT)
    lemma: str | None = None  # base form of the action verb ("freeze"), for units and hints
    dated: bool = False  # a deadline inside the game: a date, a delay or a year
    verified: bool = False  # verification with access (verification_joint points or more)


_NO_DEADLINE = DeadlineCredit(0)

# Scans of one field, by (field name, text), kept in the lexicon's ``field_cache``.
# The same texts come back all the time (the composer rescores unchanged fields on
# every keystroke; catalogue fields repeat across offers), so a bounded cache pays
# for itself. 0 turns it off (the benchmark's worst case).
FIELD_CACHE_MAX = 20_000


def _scan_field(lexicon: lx.Lexicon, name: str, s: str) -> tuple:
    """One field: (tags, first verb class, its lemma, vague labels in order, undefined term
    seen, deadline tier before the calendar, verification tier, deadline facts, unit classes)."""
    raw_info = lexicon.raw_info
    found: set[str] = set()
    verb = lemma = None
    vague: dict[str, None] = {}
    undefined = False
    dues: list[str] = []
    units: set[str] = set()
    for m in lexicon.phrase_re.finditer(s):
        text = m.group()
        info = raw_info.get(text)
        if info is None:
            info = lexicon.info.get(lx.normalise(text))
            if info is None:
                continue
        label, etags, e_verb, e_lemma, is_vague, is_undefined, e_dues, scope = info
        found |= etags
        if verb is None and e_verb is not None:
            verb, lemma = e_verb, e_lemma
        if is_vague:
            vague[label] = None
            if is_undefined:
                undefined = True
                found.add("undefined-vague:" + label)
        elif is_undefined:
            undefined = True
        if e_dues:
            dues.extend(e_dues)
        elif scope and lx.no_object_after(s, text, m.end()):
            vague[lx.NO_OBJECT_LABEL] = None
    if lx.DIGIT_RE.search(s) is not None:
        lx.numeric_markers(
            s, found, dues, units, deadline_field=name == "deadline", quantity_field=name in _QUANTITY_FIELDS
        )
    deadline = 0.0
    if lx.DEADLINE_VAGUE in found:
        deadline = lx.TIER_VAGUE
    elif name == "deadline" and not dues:
        deadline = 1.5  # written but unreadable: between "vague" (2 points) and "this year" (10)
    verification = _verification_tier(found, name == "verification")
    if name == "verification" and verification == 0:
        verification = 1  # written, but names no verifier the rules know
    return frozenset(found), verb, lemma, tuple(vague), undefined, deadline, verification, tuple(dues), frozenset(units)


class _Scan:
    __slots__ = ("every", "action_verb", "text_verb", "lemma", "vague", "undefined", "deadline", "verification",
                 "dues", "units")  # fmt: skip


def _scan(c: Commitment, lexicon: lx.Lexicon) -> _Scan:
    """All fields of a commitment, through the lexicon's field cache."""
    out = _Scan()
    every: set[str] = set()
    vague: dict[str, None] = {}
    undefined = False
    deadline = 0.0
    verification = 0
    dues: list[str] = []
    units: set[str] = set()
    action_verb = text_verb = action_lemma = text_lemma = None
    cache = lexicon.field_cache
    for name in _FIELDS:
        raw = getattr(c, name)
        if raw is None or raw == "":
            continue
        s = lx.lower(raw if isinstance(raw, str) else str(raw))
        key = (name, s)
        result = cache.get(key)
        if result is None:
            result = _scan_field(lexicon, name, s)
            if FIELD_CACHE_MAX:
                if len(cache) >= FIELD_CACHE_MAX:
                    cache.clear()
                cache[key] = result
        found, verb, lemma, labels, undef, d_tier, v_tier, f_dues, f_units = result
        every |= found
        if name == "action":
            action_verb, action_lemma = verb, lemma
        elif name == "text":
            text_verb, text_lemma = verb, lemma
        for label in labels:
            vague[label] = None
        if undef:
            undefined = True
        if d_tier > deadline:
            deadline = d_tier
        if v_tier > verification:
            verification = v_tier
        if f_dues:
            dues.extend(f_dues)
        if f_units:
            units |= f_units
    out.every = every
    out.action_verb = action_verb
    out.text_verb = text_verb
    out.lemma = action_lemma if c.action else text_lemma
    out.vague = vague
    out.undefined = undefined
    out.deadline = deadline
    out.verification = verification
    out.dues = tuple(dues)
    out.units = units
    return out


def _verification_tier(found: set[str], in_field: bool) -> int:
    if lx.VERIFY_NAMED in found:
        return 4
    if lx.VERIFY_PARTY in found or lx.VERIFY_ACCESS in found or (in_field and lx.FIELD_ACCESS in found):
        return 3
    if lx.VERIFY_OBSERVERS in found or (in_field and lx.FIELD_OBSERVERS in found):
        return 2
    if lx.VERIFY_OTHER in found:
        return 1
    return 0


def _quantity_variant(c: Commitment, scan: _Scan) -> tuple[object, str]:
    """("fits" | "misfit" | "unknown" | "bare" | None, the unit class that did not fit)."""
    classes = scan.units
    has_q = c.quantity is not None and c.quantity != ""
    if has_q and c.unit:
        classes = classes | {lx.unit_class(c.unit) or "?"}
    lemma = scan.lemma
    if not classes:
        return ("bare", "") if has_q else (None, "")
    known = classes - {"?"}
    fitting = lx.ACTION_UNITS.get(lemma or "")
    if known and (fitting is None or known & fitting):
        return "fits", ""
    if known:
        return "misfit", sorted(known)[0]
    return "unknown", ""


# The rubric as a table: (feature, variant) -> points, reason text, improvement hint.
# Built once per SpecificityPoints, so scoring a commitment only looks entries up.
# Hints name the composer's fields (FIELD_LABELS), the words a team sees.
_L = FIELD_LABELS
_HINTS = {
    "actor": f"{_L['by']}: name the state that carries it out",
    "action": f"{_L['action']}: use a concrete verb (freeze, dismantle, withdraw, deliver, suspend, allow access)",
    "object": f"{_L['object']}: say exactly what is covered",
    "quantity": f"{_L['quantity']} and {_L['unit']}: say how much, in a unit that measures the action "
    "(11 guard posts, 50,000 tonnes, 5 km)",
    "site": f"{_L['site']}: name a place the scenario knows",
    "deadline": f"{_L['deadline']}: a date inside the game's calendar, or 'within N days'",
    "verification": f"{_L['verification']}: name a verifier the scenario recognises, with access",
    "trigger": f"{_L['conditional_on']}: tie it to the other side's step (or say 'upon ...')",
    "duration": f"{_L['duration']}: say how long it lasts ('permanently', 'for 2 years', snap-back)",
    "defined_terms": f"{_L['text']}: define the key terms ('defined as', 'including', a list)",
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
        ("quantity", "fits", cfg.quantity_with_unit, "Quantity in a unit that measures the action",
         cfg.quantity_with_unit, ""),
        ("quantity", "bare", cfg.quantity_without_unit, "Quantity without a unit", cfg.quantity_with_unit,
         _HINTS["quantity"]),
        ("quantity", "unknown", cfg.quantity_without_unit, "Quantity in something that is not a unit of measure",
         cfg.quantity_with_unit, _HINTS["quantity"]),
        ("quantity", None, 0.0, "No quantity", cfg.quantity_with_unit, _HINTS["quantity"]),
        ("site", "known", cfg.site, "Site: a place the scenario knows", cfg.site, ""),
        ("site", "unknown", cfg.site_unknown, "Site: a place the scenario does not know (partial credit)", cfg.site,
         _HINTS["site"]),
        ("site", None, 0.0, "No site", cfg.site, _HINTS["site"]),
        ("deadline", 3, cfg.deadline_date, "Deadline: a date or a delay inside the game's calendar",
         cfg.deadline_date, ""),
        ("deadline", 2, cfg.deadline_year, "Deadline: a year or 'immediately', not a date", cfg.deadline_date,
         _HINTS["deadline"]),
        ("deadline", 1.5, cfg.deadline_unrecognised, "Deadline written but not a recognisable date",
         cfg.deadline_date, _HINTS["deadline"]),
        ("deadline", 1, cfg.deadline_vague, "Deadline is vague ('at an early date')", cfg.deadline_date,
         _HINTS["deadline"]),
        ("deadline", 0, 0.0, "No deadline", cfg.deadline_date, _HINTS["deadline"]),
        ("verification", 4, cfg.verification_third_party, "Verified by an independent verifier the scenario "
         "recognises", cfg.verification_third_party, ""),
        ("verification", 3, cfg.verification_joint, "Joint or on-site verification, or a named body of the "
         "parties", cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 2, cfg.verification_observers, "Observers, monitoring or an unnamed body only",
         cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 1, cfg.verification_other, "Verification by witnesses, self-reporting or someone the "
         "scenario does not know", cfg.verification_third_party, _HINTS["verification"]),
        ("verification", 0, 0.0, "No verification", cfg.verification_third_party, _HINTS["verification"]),
        ("trigger", "link", cfg.trigger, f"Tied to another commitment ({_L['conditional_on']})", cfg.trigger, ""),
        ("trigger", "text", cfg.trigger, "Trigger stated ('upon', 'in parallel with')", cfg.trigger, ""),
        ("trigger", None, 0.0, "No trigger or condition", cfg.trigger, _HINTS["trigger"]),
        ("duration", "field", cfg.duration, "Duration stated", cfg.duration, ""),
        ("duration", "text", cfg.duration, "Duration, permanence or snap-back stated", cfg.duration, ""),
        ("duration", None, 0.0, "No duration, permanence or snap-back", cfg.duration, _HINTS["duration"]),
        ("defined_terms", "defined", cfg.defined_terms, "Key terms defined", cfg.defined_terms, ""),
        ("defined_terms", "clean", cfg.defined_terms, "No undefined terms of art", cfg.defined_terms, ""),
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
        self.dynamic: dict[tuple, Reason] = {}  # reasons that name what was written (actor, unit, date)

    def reason(self, key: tuple, code: str, text: str, points: float, max_points: float) -> Reason:
        reason = self.dynamic.get(key)
        if reason is None:
            if len(self.dynamic) > 2000:
                self.dynamic.clear()
            reason = self.dynamic[key] = Reason(code, text, points, max_points)
        return reason


_BOOKS: dict[int, _Book] = {}


def _book(cfg) -> _Book:
    book = _BOOKS.get(id(cfg))
    if book is None or book.cfg is not cfg:
        if len(_BOOKS) > 256:
            _BOOKS.clear()
        book = _BOOKS[id(cfg)] = _Book(cfg)
    return book


def has_snap_back(c: Commitment, catalogue: Catalogue) -> bool:
    """Does ``c`` say its benefit returns if the other side defects ("with snap-back")?
    The ledger withdraws such a step when the other side breaks a later one."""
    return analyse_commitment(c, catalogue).snapback


def analyse_commitment(c: Commitment, catalogue: Catalogue, round_number: int = 1) -> CommitmentFacts:
    """Score one commitment against the rubric; also return the facts reciprocity needs.

    ``round_number`` is the round in which the offer is made: deadlines before it
    earn nothing (see calendar.judge_deadline).
    """
    cfg = catalogue.config.specificity
    book = _book(cfg)
    entries = book.entries
    scan = _scan(c, catalogue.lexicon)
    every = scan.every
    reasons: list[Reason] = []
    missed: list[tuple] = []  # (code, hint, gain in rubric points, prebuilt Improvement)
    total = 0.0

    # actor (10): the state that carries it out
    by = c.by or ""
    if by and by.strip().lower() not in lx.VAGUE_ACTORS:
        total += cfg.actor
        reason = book.dynamic.get(("actor", by)) or book.reason(("actor", by), "actor", f"Actor named: {by}",
                                                                  cfg.actor, cfg.actor)  # fmt: skip
        reasons.append(reason)
    else:
        pts, reason, miss = entries[("actor", False)]
        reasons.append(reason)
        missed.append(miss)

    # action (15 concrete / 7 procedural / 0 aspirational), object, quantity, site
    verb = (scan.action_verb or "unknown") if c.action else scan.text_verb
    object_variant = "field" if c.object else ("text" if lx.OBJECT in every else None)
    quantity_variant, unit = _quantity_variant(c, scan)
    if lx.SITE in every:
        site_variant = "known"
    else:
        site_variant = "unknown" if c.site else None
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
    credit = judge_deadline(scan.dues, catalogue.calendar, round_number or 1) if scan.dues else _NO_DEADLINE
    if credit.tier:
        deadline_variant: object = max(credit.tier, scan.deadline)
    elif credit.problem:
        deadline_variant = 1 if scan.deadline == 1 else "out"  # a vague word still earns its 2 points
    else:
        deadline_variant = scan.deadline

    quantity = entries[("quantity", quantity_variant)] if quantity_variant != "misfit" else _misfit(book, unit, scan)
    deadline = entries[("deadline", deadline_variant)] if deadline_variant != "out" else _outside(book, credit)
    verification = entries[("verification", scan.verification)]
    ver_pts = verification[0]
    for pts, reason, miss in (
        entries[("action", verb)],
        entries[("object", object_variant)],
        quantity,
        entries[("site", site_variant)],
        deadline,
        verification,
        entries[("trigger", trigger_variant)],
        entries[("duration", duration_variant)],
        entries[("defined_terms", defined_variant)],
    ):
        total += pts
        reasons.append(reason)
        if miss is not None:
            missed.append(miss)

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
            text = f'Vague term: "{label}"' if cost else f'Vague term: "{label}" (penalty already at its cap)'
            reasons.append(book.reason(("vague", label, cost), "vague", text, -cost, 0))
        quoted = ", ".join(f'"{label}"' for label in labels)
        missed.append(("vague", f"Replace vague wording ({quoted}) with concrete terms", penalty, None))

    score = 0.0 if total < 0 else (100.0 if total > 100 else total)
    improvements = []
    for code, hint, gain, prebuilt in missed:
        real = min(max(total + gain, 0.0), 100.0) - score
        if real > 0:
            improvements.append(prebuilt if prebuilt is not None and real == gain else Improvement(hint, real, code))
    improvements.sort(key=_by_gain)
    item = catalogue.item(c.kind)
    irreversible = lx.IRREVERSIBLE in every or bool(item is not None and item.irreversible)
    note = value_note(c, catalogue) if item is not None else ""
    return CommitmentFacts(
        score=CommitmentScore(c.id, int(score + 0.5), tuple(reasons), tuple(improvements), note),
        verification=ver_pts,
        vague=bool(labels),
        trigger_text=trigger_text,
        snapback=lx.SNAPBACK in every,
        irreversible=irreversible,
        invite=lx.INVITE in every,
        lemma=scan.lemma,
        dated=deadline_variant in (2, 3),
        verified=ver_pts >= cfg.verification_joint,
    )


def _misfit(book: _Book, unit: str, scan: _Scan) -> tuple:
    """The quantity entry when the unit does not measure the action."""
    cfg = book.cfg
    text = f"Quantity in {unit} units, which do not measure '{scan.lemma}'"
    reason = book.reason(("quantity", unit, scan.lemma), "quantity", text, cfg.quantity_without_unit,
                         cfg.quantity_with_unit)  # fmt: skip
    return cfg.quantity_without_unit, reason, ("quantity", _HINTS["quantity"], cfg.quantity_with_unit -
                                               cfg.quantity_without_unit, None)  # fmt: skip


def _outside(book: _Book, credit: DeadlineCredit) -> tuple:
    """The deadline entry when the deadline falls outside the game."""
    cfg = book.cfg
    text = f"Deadline outside the game: {credit.problem}"
    reason = book.reason(("deadline", credit.problem), "deadline", text, 0.0, cfg.deadline_date)
    return 0.0, reason, ("deadline", _HINTS["deadline"], cfg.deadline_date, None)


def _by_gain(i: Improvement) -> float:
    return -i.gain  # list.sort is stable: equal gains keep rubric order


def score_commitment(c: Commitment, catalogue: Catalogue, round_number: int = 1) -> CommitmentScore:
    """Specificity 0-100 of one commitment, with reasons and improvements."""
    return analyse_commitment(c, catalogue, round_number).score


# Offer ---------------------------------------------------------------------------


def commitment_stakes(offer: Offer, parties: tuple[str, ...], catalogue: Catalogue) -> list[float]:
    """What is at stake in each commitment: the sum over the offer's parties of |value|."""
    return [sum(abs(commitment_value(c, p, catalogue)) for p in parties) for c in offer.commitments]


@dataclass(frozen=True, slots=True)
class OfferSpecificityResult:
    value: float
    reasons: tuple[Reason, ...]


def offer_specificity(
    offer: Offer, facts: list[CommitmentFacts], stakes: list[float], catalogue: Catalogue
) -> OfferSpecificityResult:
    """Stake-weighted mean of the commitment scores, discounted by the stake-weighted
    share of clauses with vague terms (DIMI), capped by the "core" (a vague core
    cannot be rescued by precise trivia) and scaled down when little is at stake
    (one potato cannot make a specific offer)."""
    cfg = catalogue.config.offer
    n = len(facts)
    if n == 0:
        return OfferSpecificityResult(0.0, (Reason("spec.empty", "No commitments", 0, 100),))
    scores = [f.score.specificity for f in facts]
    weights = [max(s, cfg.min_weight) for s in stakes]
    total_w = sum(weights)
    mean = sum(w * s for w, s in zip(weights, scores, strict=True)) / total_w
    vague_share = sum(w for w, f in zip(weights, facts, strict=True) if f.vague) / total_w
    undated_share = sum(w for w, f in zip(weights, facts, strict=True) if not f.dated) / total_w
    unverified_share = sum(w for w, f in zip(weights, facts, strict=True) if not f.verified) / total_w
    at_stake = sum(stakes)
    stake = min(at_stake / cfg.stake_floor, 1.0) if cfg.stake_floor > 0 else 1.0
    vague_cut = mean * cfg.vague_discount * vague_share
    undated_cut = mean * cfg.undated_discount * undated_share
    unverified_cut = mean * cfg.unverified_discount * unverified_share
    blend = stake * (mean - vague_cut - undated_cut - unverified_cut)

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
    value = min(max(min(blend, cap), 0.0), 100.0)

    vague = sum(1 for f in facts if f.vague)
    undated = sum(1 for f in facts if not f.dated)
    unverified = sum(1 for f in facts if not f.verified)
    reasons = [
        Reason(
            "spec.mean",
            f"The commitments score {mean:.0f} on average, each weighted by what it is worth to the parties",
            mean,
            100,
        )
    ]
    if vague_cut:
        reasons.append(
            Reason(
                "spec.vague",
                f"{vague} of {n} commitment{'s' if n != 1 else ''} use vague words ({vague_share:.0%} of what is "
                "at stake)",
                -vague_cut,
                0,
            )
        )
    if undated_cut:
        reasons.append(
            Reason(
                "spec.undated",
                f"{undated} of {n} commitment{'s' if n != 1 else ''} have no deadline inside the game "
                f"({undated_share:.0%} of what is at stake)",
                -undated_cut,
                0,
            )
        )
    if unverified_cut:
        reasons.append(
            Reason(
                "spec.unverified",
                f"{unverified} of {n} commitment{'s' if n != 1 else ''} have no verification with access "
                f"({unverified_share:.0%} of what is at stake)",
                -unverified_cut,
                0,
            )
        )
    if stake < 1:
        reasons.append(
            Reason(
                "spec.stake",
                f"Little is at stake: the steps are worth {at_stake:g} to the parties in all, less than "
                f"{cfg.stake_floor:g}, so the score is scaled down to {stake:.0%}",
                blend - (mean - vague_cut - undated_cut - unverified_cut),
                0,
            )
        )
    core_ids = ", ".join(offer.commitments[i].id for i in sorted(core))
    if blend > cap:
        reasons.append(
            Reason(
                "spec.core",
                f"Vague core: the most valuable commitments ({core_ids}) score {core_mean:.0f} on average, "
                f"so the offer scores at most {cap:.0f}",
                cap - blend,
                0,
            )
        )
    return OfferSpecificityResult(value, tuple(reasons))
