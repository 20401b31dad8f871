"""What a counter-offer changed against the offer it answers: one pure function, typed rows.

``diff_offers(original, counter)`` compares two offers as their teams wrote them and
returns an ``OfferDiff``: commitments added, removed and changed (term by term: who,
for whom, what, where, by when, verified by whom ...), how the parties changed, and how
the offer's specificity and reciprocity moved. The team room, the console, the report
and its data files all render this one result. No Django here: callers pass plain
``OfferTerms`` (see ``offer_terms`` for a stored offer, reports.data for a report row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "TERM_LABELS",
    "CommitmentChange",
    "CommitmentTerms",
    "OfferDiff",
    "OfferTerms",
    "ScoreMove",
    "TermChange",
    "commitment_terms",
    "counter_diff",
    "diff_offers",
    "offer_terms",
]

# Every term a team writes (models.COMMITMENT_TERMS, in that order), as a diff names it.
TERM_LABELS = {
    "by": "who",
    "to": "for whom",
    "kind": "catalogue item",
    "action": "what (action)",
    "object": "what (object)",
    "quantity": "how much",
    "unit": "unit",
    "site": "where",
    "deadline": "by when",
    "verification": "verified by",
    "conditional_on": "only if",
    "phase": "phase",
    "duration": "for how long",
    "text": "in their words",
}

# Two commitments are the same one, edited, when they share at least this much: the same
# catalogue item counts 3, every other equal term that is filled in counts 1. A counter
# usually keeps who commits and to whom (2) and edits the rest; below 3 it is a new one.
_SAME_KIND = 3
_MATCH_AT_LEAST = 3


@dataclass(frozen=True, slots=True)
class CommitmentTerms:
    """One commitment of an offer: its position, its terms as shown, its one-line summary."""

    position: int
    terms: tuple[tuple[str, str], ...]  # (term, value as text), every term of TERM_LABELS
    summary: str
    specificity: int | None = None

    def value(self, term: str) -> str:
        return dict(self.terms).get(term, "")


@dataclass(frozen=True, slots=True)
class OfferTerms:
    number: int
    sender: str
    recipients: tuple[str, ...]
    commitments: tuple[CommitmentTerms, ...]
    specificity: int | None = None
    reciprocity: int | None = None

    @property
    def parties(self) -> tuple[str, ...]:
        return (self.sender, *self.recipients)


@dataclass(frozen=True, slots=True)
class TermChange:
    term: str
    label: str
    before: str  # "" when the term was empty
    after: str


@dataclass(frozen=True, slots=True)
class ScoreMove:
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def direction(self) -> str:
        """ "up", "down" or "same", for the page's colour and the screen reader's words."""
        delta = self.delta
        return "same" if not delta else ("up" if delta > 0 else "down")


@dataclass(frozen=True, slots=True)
class CommitmentChange:
    change: str  # "added", "removed" or "changed"
    position_before: int | None  # in the original offer
    position_after: int | None  # in the counter
    summary: str  # as the counter has it; as the original had it when removed
    terms: tuple[TermChange, ...] = ()  # what changed, for "changed"
    specificity: ScoreMove | None = None


@dataclass(frozen=True, slots=True)
class OfferDiff:
    original: int
    counter: int
    parties: TermChange | None  # None when the same teams are involved
    commitments: tuple[CommitmentChange, ...]
    unchanged: int  # commitments carried over word for word
    scores: tuple[ScoreMove, ...]

    @property
    def added(self) -> tuple[CommitmentChange, ...]:
        return tuple(c for c in self.commitments if c.change == "added")

    @property
    def removed(self) -> tuple[CommitmentChange, ...]:
        return tuple(c for c in self.commitments if c.change == "removed")

    @property
    def changed(self) -> tuple[CommitmentChange, ...]:
        return tuple(c for c in self.commitments if c.change == "changed")

    def lines(self) -> list[str]:
        """The diff as short lines of text, for a data file or a one-line rendering."""
        lines = []
        if self.parties:
            lines.append(f"parties: {self.parties.before} → {self.parties.after}")
        for c in self.commitments:
            if c.change == "added":
                lines.append(f"added {c.position_after}: {c.summary}")
            elif c.change == "removed":
                lines.append(f"removed {c.position_before}: {c.summary}")
            else:
                for t in c.terms:
                    lines.append(f"{c.position_after} {t.label}: {_quoted(t.before)} → {_quoted(t.after)}")
        lines.append(", ".join(f"{s.name} {_dash(s.before)} → {_dash(s.after)}" for s in self.scores))
        return lines


def diff_offers(original: OfferTerms, counter: OfferTerms) -> OfferDiff:
    """What ``counter`` changed against ``original``; commitments are matched by content, not position.

    A counter often drops or reorders commitments, so positions alone would pair unrelated
    promises: identical commitments pair first, then the closest ones (same catalogue item,
    same giver and receivers, same wording), the rest are added or removed.
    """
    pairs, removed, added = _match(original.commitments, counter.commitments)
    rows: list[tuple[tuple[int, int], CommitmentChange]] = []
    unchanged = 0
    for before, after in pairs:
        terms = tuple(
            TermChange(term, label, before.value(term), after.value(term))
            for term, label in TERM_LABELS.items()
            if before.value(term) != after.value(term)
        )
        if not terms:
            unchanged += 1
            continue
        move = ScoreMove("specificity", before.specificity, after.specificity)
        rows.append(
            (
                (after.position, 0),
                CommitmentChange("changed", before.position, after.position, after.summary, terms, move),
            )
        )
    for after in added:
        move = ScoreMove("specificity", None, after.specificity)
        rows.append(((after.position, 0), CommitmentChange("added", None, after.position, after.summary, (), move)))
    for before in removed:
        move = ScoreMove("specificity", before.specificity, None)
        rows.append(
            ((10**6, before.position), CommitmentChange("removed", before.position, None, before.summary, (), move))
        )
    parties = None
    if sorted(original.parties) != sorted(counter.parties):
        parties = TermChange("parties", "parties", ", ".join(original.parties), ", ".join(counter.parties))
    return OfferDiff(
        original=original.number,
        counter=counter.number,
        parties=parties,
        commitments=tuple(row for _, row in sorted(rows, key=lambda item: item[0])),
        unchanged=unchanged,
        scores=(
            ScoreMove("specificity", original.specificity, counter.specificity),
            ScoreMove("reciprocity", original.reciprocity, counter.reciprocity),
        ),
    )


def _match(old: Iterable[CommitmentTerms], new: Iterable[CommitmentTerms]):
    """(pairs, removed, added): identical commitments first, then greedily the most alike."""
    old, new = list(old), list(new)
    pairs = []
    for after in list(new):
        twin = next((before for before in old if before.terms == after.terms), None)
        if twin is not None:
            pairs.append((twin, after))
            old.remove(twin)
            new.remove(after)
    candidates = sorted(
        (-_likeness(before, after), abs(before.position - after.position), after.position, before.position)
        for before in old
        for after in new
    )
    by_old = {c.position: c for c in old}
    by_new = {c.position: c for c in new}
    for negative, _, after_position, before_position in candidates:
        if -negative < _MATCH_AT_LEAST:
            break
        if before_position in by_old and after_position in by_new:
            pairs.append((by_old.pop(before_position), by_new.pop(after_position)))
    return pairs, list(by_old.values()), list(by_new.values())


def _likeness(a: CommitmentTerms, b: CommitmentTerms) -> int:
    score = 0
    for term in TERM_LABELS:
        value = a.value(term)
        if value and value == b.value(term):
            score += _SAME_KIND if term == "kind" else 1
    return score


def _quoted(value: str) -> str:
    return f"“{value}”" if value else "—"


def _dash(value) -> str:
    return "—" if value is None else str(value)


# --- from what callers hold ------------------------------------------------------------------------


def term_text(value) -> str:
    """A term as the diff compares and shows it: lists joined, blanks empty, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value).strip()


def commitment_terms(position: int, values: Mapping, summary: str, specificity: int | None) -> CommitmentTerms:
    return CommitmentTerms(
        position=position,
        terms=tuple((term, term_text(values.get(term))) for term in TERM_LABELS),
        summary=summary,
        specificity=specificity,
    )


def offer_terms(offer) -> OfferTerms:
    """A stored offer (its sender, recipients and commitments loaded) as the diff reads it."""
    return OfferTerms(
        number=offer.number,
        sender=offer.from_team.key,
        recipients=tuple(team.key for team in offer.recipients.all()),
        commitments=tuple(
            commitment_terms(c.position, {term: getattr(c, term) for term in TERM_LABELS}, c.summary, c.specificity)
            for c in offer.commitments.all()
        ),
        specificity=offer.specificity,
        reciprocity=offer.reciprocity,
    )


def counter_diff(offer) -> OfferDiff | None:
    """A stored counter's diff against its parent (both loaded with their terms); None for a first offer."""
    parent = offer.parent
    return None if parent is None else diff_offers(offer_terms(parent), offer_terms(offer))
