"""Hints that teach: each is a concrete edit, and its gain is measured, not guessed.

Every hint names the field a team sees on the composer ("Commitment 2 · Deadline")
and what to write there. Its promised gain is what the two offer scores do when
the edit is applied and the edited offer is scored again, so a student who
follows it gets what it says (tests/rules/test_hints.py applies every hint
mechanically). Hints are sorted by their gain across both scores.

Balance hints never ask a team to give away its own surplus: they name the party
that gets too little back and what to ask the other side for, and they only
propose a step whose giver still gets at least as much as it gives afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from . import lexicon as lx
from .calendar import suggested_deadline
from .model import FIELD_LABELS, TEXT_FIELDS, Catalogue, Commitment, Edit, Improvement, Offer
from .privacy import ledger_phrase
from .values import booked_item, commitment_value, delivery_problem

__all__ = ["apply_edits", "offer_hints"]

_L = FIELD_LABELS
# Example quantities by what the action moves ("deliver" is measured in tonnes...).
_QUANTITY_EXAMPLES = (
    (frozenset({"deliver", "ship", "supply", "provide", "give", "transfer", "export", "import"}), "50,000", "tonnes"),
    (frozenset({"pay", "fund", "grant"}), "5", "million dollars"),
    (frozenset({"raise", "lift", "ease", "exempt", "waive"}), "25", "%"),
    (frozenset({"allow", "permit", "admit", "accept", "host", "inspect", "verify", "dispatch"}), "10", "inspectors"),
)
# How many catalogue items a balance hint tries (the ones the short party values most), and
# how many a free-text commitment is offered (the ones its receivers value most).
BALANCE_CANDIDATES = 6
PICK_CANDIDATES = 3


def apply_edits(offer: Offer, edits: tuple[Edit, ...]) -> Offer:
    """The offer with ``edits`` applied (see ``Edit``)."""
    commitments = list(offer.commitments)
    for edit in edits:
        if edit.field == "add":
            commitments.append(edit.value)
        elif edit.field == "drop":
            commitments = [
                dataclasses.replace(c, conditional_on=tuple(t for t in c.conditional_on if t != edit.commitment))
                for c in commitments
                if c.id != edit.commitment
            ]
        else:
            commitments = [
                dataclasses.replace(c, **{edit.field: edit.value}) if c.id == edit.commitment else c
                for c in commitments
            ]
    return dataclasses.replace(offer, commitments=tuple(commitments))


def offer_hints(offer: Offer, catalogue: Catalogue, base, evaluate: Callable[[Offer], object]) -> tuple:
    """Improvements of the offer, largest gain across both scores first.

    ``base`` is the evaluation of ``offer`` and ``evaluate`` scores an edited offer
    (both from offers.py): (specificity, reciprocity) and what the rules found.
    """
    seen: set[tuple[Edit, ...]] = set()
    ranked: list[tuple[float, int, Improvement]] = []
    for rank, (code, text, edits) in enumerate(_candidates(offer, catalogue, base, evaluate)):
        if not edits or edits in seen:
            continue
        seen.add(edits)
        after = evaluate(apply_edits(offer, edits))
        ds = after.specificity - base.specificity
        dr = after.reciprocity - base.reciprocity
        if ds + dr >= 1:
            ranked.append((-(ds + dr), rank, Improvement(text, ds + dr, code, ds, dr, edits)))
    ranked.sort(key=lambda t: (t[0], t[1]))
    return tuple(i for _, _, i in ranked)


def _candidates(offer: Offer, catalogue: Catalogue, base, evaluate) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    facts = base.facts
    for c, f in zip(offer.commitments, facts, strict=True):
        missing = {r.code for r in f.score.reasons if r.points < r.max_points or r.code == "vague"}
        yield from _commitment_candidates(offer, catalogue, c, f, missing)
    yield from _offer_candidates(offer, catalogue, base, evaluate)


# Commitment hints ---------------------------------------------------------------------------


def _where(c: Commitment, label: str) -> str:
    return f"Commitment {c.id} · {label}"


def _commitment_candidates(offer, catalogue, c, facts, missing) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    item = catalogue.item(c.kind)
    fields = dict(item.fields) if item is not None else {}
    if item is not None and delivery_problem(c, item):
        yield from _delivery_candidate(c, item)
    if item is None:
        yield from _pick_candidates(offer, catalogue, c)
    if "vague" in missing:
        yield from _vague_candidate(c, catalogue)
    if "action" in missing:
        verb = (item.actions[0] if item is not None and item.actions else fields.get("action")) or "deliver"
        yield "spec.action", f"{_where(c, _L['action'])}: a concrete deed, e.g. “{verb}”", (Edit(c.id, "action", verb),)
    if "object" in missing:
        example = fields.get("object") or "the named facilities"
        text = f"{_where(c, _L['object'])}: say exactly what is covered, e.g. “{example}”"
        yield "spec.object", text, (Edit(c.id, "object", example),)
    if "quantity" in missing:
        number, unit = _quantity_example(facts.lemma, c)
        text = f"{_where(c, _L['quantity'])} and {_L['unit']}: how much, in a unit that measures it, e.g. “{number} {unit}”"
        yield "spec.quantity", text, (Edit(c.id, "quantity", number), Edit(c.id, "unit", unit))
    if "site" in missing:
        place = _known(catalogue, fields.get("site")) or catalogue.first_place() or "the named site"
        text = f"{_where(c, _L['site'])}: name a place the scenario knows, e.g. “{place}”"
        yield "spec.site", text, (Edit(c.id, "site", place),)
    if "deadline" in missing:
        due = suggested_deadline(catalogue.calendar, offer.round or 1)
        text = f"{_where(c, _L['deadline'])}: a date inside the game, e.g. “{due}”"
        yield "spec.deadline", text, (Edit(c.id, "deadline", due),)
    if "verification" in missing:
        verifier = _known(catalogue, fields.get("verification")) or catalogue.first_verifier()
        verifier = verifier or "joint on-site verification"
        text = f"{_where(c, _L['verification'])}: a verifier the scenario recognises, with access, e.g. “{verifier}”"
        yield "spec.verification", text, (Edit(c.id, "verification", verifier),)
    if "trigger" in missing:
        partner = _partner(offer, c)
        if partner is not None:
            text = f"{_where(c, _L['conditional_on'])}: “{partner.id}”, so it waits for {partner.by}'s step"
            yield "spec.trigger", text, (Edit(c.id, "conditional_on", (*c.conditional_on, partner.id)),)
    if "duration" in missing:
        span = "permanently" if facts.irreversible else "for 2 years"
        yield "spec.duration", f"{_where(c, _L['duration'])}: e.g. “{span}”", (Edit(c.id, "duration", span),)
    if "defined_terms" in missing and facts.vague is False and c.object:
        addition = "defined as the items listed in an annex"
        text = f"{_where(c, _L['text'])}: define the key terms, e.g. “{addition}”"
        yield "spec.defined_terms", text, (Edit(c.id, "text", _append(c.text, addition)),)


def _delivery_candidate(c: Commitment, item) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    title = f"no. {item.number or '?'} “{item.title or item.key}”"
    if item.by and c.by not in item.by:
        giver = item.by[0]
        receivers = tuple(t for t in (item.to or c.to) if t != giver) or (c.by,)
        text = f"{_where(c, _L['by'])}: {giver}, who delivers {title}; otherwise it counts as free text"
        yield "value", text, (Edit(c.id, "by", giver), Edit(c.id, "to", receivers))
    elif item.actions:
        verb = item.actions[0]
        text = f"{_where(c, _L['action'])}: “{verb}”, how {title} is delivered; otherwise it counts as free text"
        yield "value", text, (Edit(c.id, "action", verb),)


def _pick_candidates(offer, catalogue, c: Commitment) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    """Free text: the catalogue items its giver can deliver, the ones its receivers value most
    first, picked as the composer does it (the item's fields fill the empty ones)."""
    used = {d.kind for d in offer.commitments if d.kind}
    options = [
        (sum(item.value(p) for p in c.to), item)
        for item in catalogue.items
        if item.key not in used and (not item.by or c.by in item.by)
    ]
    options.sort(key=lambda t: -t[0])
    for _, item in options[:PICK_CANDIDATES]:
        fills = tuple(Edit(c.id, name, value) for name, value in item.fields if not getattr(c, name, None))
        title = f"no. {item.number or '?'} “{item.title or item.key}”"
        text = f"{_where(c, _L['kind'])}: pick {title}, which {c.by} can deliver; its fields fill in"
        yield "spec.kind", text, (Edit(c.id, "kind", item.key), *fills)


def _vague_candidate(c: Commitment, catalogue: Catalogue) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    edits, words, where = [], {}, []
    for name in TEXT_FIELDS:
        raw = getattr(c, name)
        if not isinstance(raw, str) or not raw:
            continue
        cleaned, found = lx.strip_vague(raw, catalogue.lexicon)
        if found:
            words.update(dict.fromkeys(found))
            where.append(_L[name])
            edits.append(Edit(c.id, name, cleaned or None))
    if edits:
        quoted = ", ".join(f"“{w}”" for w in words)
        text = f"{_where(c, ' and '.join(where))}: replace the vague words {quoted} with what exactly will happen"
        yield "spec.vague", text, tuple(edits)


def _quantity_example(lemma: str | None, c: Commitment) -> tuple[str, str]:
    if c.object and lx.unit_class(c.object) == "count":
        return "10", c.object
    for verbs, number, unit in _QUANTITY_EXAMPLES:
        if lemma in verbs:
            return number, unit
    return "10", "units"


def _known(catalogue: Catalogue, text: str | None) -> str:
    """``text`` if it names a place or verifier the scenario knows, else ""."""
    if not text:
        return ""
    tags = {t for m in catalogue.lexicon.phrase_re.finditer(lx.lower(text)) for t in _tags(catalogue, m.group())}
    return text if tags & {lx.SITE, lx.VERIFY_NAMED} else ""


def _tags(catalogue: Catalogue, written: str) -> tuple[str, ...]:
    entry = catalogue.lexicon.raw.get(written) or catalogue.lexicon.entries.get(lx.normalise(written))
    return entry[1] if entry else ()


def _append(text: str | None, addition: str) -> str:
    text = (text or "").rstrip()
    if not text:
        return addition[0].upper() + addition[1:] + "."
    return f"{text.rstrip('.')}, {addition}."


def _partner(offer: Offer, c: Commitment) -> Commitment | None:
    """Another party's commitment for ``c`` to wait for: preferably one by a party it serves."""
    others = [d for d in offer.commitments if d.by != c.by and d.id not in c.conditional_on]
    for d in others:
        if d.by in c.to:
            return d
    return others[0] if others else None


# Offer hints --------------------------------------------------------------------------------


def _offer_candidates(offer, catalogue, base, evaluate) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    rec = base.rec
    commitments = offer.commitments
    links = _link_edits(offer)
    if links:
        pairs = ", ".join(f"{e.commitment} to {e.value[-1]}" for e in links)
        text = f"{_L['conditional_on']}: tie {pairs}, so each side's step waits for the other's"
        yield "rec.linkage", text, links
    if all(c.phase is None for c in commitments):
        performers = list(dict.fromkeys(c.by for c in commitments))
        if len(performers) >= 2:
            first = [c.id for c in commitments if c.by == performers[0]]
            later = [c.id for c in commitments if c.by != performers[0]]
            edits = tuple(Edit(i, "phase", 1) for i in first) + tuple(Edit(i, "phase", 2) for i in later)
            text = (
                f"{_L['phase']}: put {performers[0]}'s {_ids(first)} in phase 1 and {_ids(later)} in phase 2, "
                "the second waiting for the first"
            )
            yield "rec.phasing", text, edits
    if rec.verification:
        weakest = min(rec.verification, key=lambda p: rec.verification[p])
        if rec.verification[weakest] < 1:
            verifier = catalogue.first_verifier() or "joint on-site verification"
            targets = [c.id for c, f in zip(commitments, base.facts, strict=True) if c.by == weakest
                       and f.verification < catalogue.config.specificity.verification_third_party]  # fmt: skip
            text = f"{_L['verification']}: have “{verifier}” check {weakest}'s {_ids(targets)}"
            yield "rec.verifiability", text, tuple(Edit(i, "verification", verifier) for i in targets)
    yield from _protection_candidates(offer, catalogue, base)
    yield from _balance_candidates(offer, catalogue, base, evaluate)


def _ids(ids: list[str]) -> str:
    return ("commitment " if len(ids) == 1 else "commitments ") + ", ".join(ids)


def _link_edits(offer: Offer) -> tuple[Edit, ...]:
    edits = []
    owner = {c.id: c.by for c in offer.commitments}
    for c in offer.commitments:
        if any(owner.get(t) not in (None, c.by) for t in c.conditional_on):
            continue
        partner = _partner(offer, c)
        if partner is not None:
            edits.append(Edit(c.id, "conditional_on", (*c.conditional_on, partner.id)))
    return tuple(edits)


def _protection_candidates(offer, catalogue, base) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    rec = base.rec
    threshold = catalogue.config.reciprocity.verified_step_threshold
    if rec.exposed:
        cid = rec.exposed[0]
        c = next(c for c in offer.commitments if c.id == cid)
        verified = [d for d, f in zip(offer.commitments, base.facts, strict=True)
                    if d.by != c.by and f.verification >= threshold]  # fmt: skip
        if verified:
            text = f"{_where(c, _L['conditional_on'])}: “{verified[0].id}”, so the irreversible step waits for " \
                   f"{verified[0].by}'s verified one"  # fmt: skip
            yield "rec.protection", text, (Edit(cid, "conditional_on", (*c.conditional_on, verified[0].id)),)
        return
    plain = [
        (c, f) for c, f in zip(offer.commitments, base.facts, strict=True) if not f.snapback and not f.irreversible
    ]
    if plain:
        edits = tuple(Edit(c.id, "duration", _append_words(c.duration, "with snap-back")) for c, _ in plain)
        text = f"{_L['duration']}: add “with snap-back” to {_ids([c.id for c, _ in plain])}, so benefits return " \
               "if the other side defaults"  # fmt: skip
        yield "rec.protection", text, edits


def _append_words(text: str | None, words: str) -> str:
    return f"{text.rstrip(' ,.')}, {words}" if text else words


def _balance_candidates(offer, catalogue, base, evaluate) -> Iterator[tuple[str, str, tuple[Edit, ...]]]:
    """Ask the other side for a step the short party values, or ask the short party for less."""
    rec = base.rec
    short = [p for p in rec.ratios if rec.ratios[p] < 1]
    if not short:
        return
    party = min(short, key=lambda p: rec.ratios[p])
    figures = ledger_phrase(party, rec.gives[party], rec.gets[party])
    parties = offer.all_parties()
    used = {c.kind for c in offer.commitments if c.kind}
    ids = {c.id for c in offer.commitments}
    new_id = next(str(n) for n in range(len(ids) + 1, len(ids) + 100) if str(n) not in ids)
    options = []
    for item in catalogue.items:
        if item.key in used or item.value(party) <= 0:
            continue
        for giver in item.by or parties:
            if giver in parties and giver != party:
                options.append((item.value(party), item, giver))
                break
    options.sort(key=lambda t: -t[0])
    for _, item, giver in options[:BALANCE_CANDIDATES]:
        step = _catalogue_step(new_id, item, giver, party, offer, catalogue)
        if step is None:
            continue
        after = evaluate(apply_edits(offer, (Edit(new_id, "add", step),)))
        if after.rec.gets.get(giver, 0) < after.rec.gives.get(giver, 0):
            continue  # the giver would be left short: that is giving away its surplus
        title = f"no. {item.number or '?'} “{item.title or item.key}”"
        if offer.proposer in (None, party):
            text = f"{figures}: ask {giver} for {title} in return"
        else:
            text = f"{figures}: add {giver}'s {title}, a step {party} values"
        yield "rec.balance", text, (Edit(new_id, "add", step),)
    own = [c for c in offer.commitments if c.by == party]
    if len(own) >= 2:
        costly = max(own, key=lambda c: -commitment_value(c, party, catalogue))
        yield (
            "rec.balance",
            f"{figures}: ask {party} for less, e.g. drop commitment {costly.id}",
            (Edit(costly.id, "drop"),),
        )


def _catalogue_step(new_id, item, giver, receiver, offer, catalogue) -> Commitment | None:
    """The item as the composer pre-fills it, given by ``giver`` to ``receiver``."""
    fields = {k: v for k, v in item.fields if k in TEXT_FIELDS}
    step = Commitment(id=new_id, by=giver, to=(receiver,), kind=item.key, **fields)
    if not step.deadline:
        step = dataclasses.replace(step, deadline=suggested_deadline(catalogue.calendar, offer.round or 1))
    return step if booked_item(step, catalogue) is not None else None
