"""An offer and its commitments as report rows: outcome, the main reasons for its scores, what a counter changed."""

from __future__ import annotations

from collections import defaultdict

from exercises import offer_diff, rules
from exercises.models import Commitment, Offer
from exercises.reports import lesson
from exercises.reports.rows import COMMITMENT_FIELDS, CommitmentRow, OfferRow, ResponseRow


def offer_row(offer: Offer, team_by_id, round_number, number_by_id, debrief: bool) -> OfferRow:
    from_team = team_by_id[offer.from_team_id]
    recipients = list(offer.recipients.all())
    rows = [_commitment_row(c, offer, round_number) for c in offer.commitments.all()]
    return OfferRow(
        number=offer.number,
        round_number=round_number[offer.round_id],
        from_key=from_team.key,
        from_name=from_team.name,
        to_keys=[t.key for t in recipients],
        to_names=[t.name for t in recipients],
        submitted_by=offer.submitted_by.display_name if offer.submitted_by else "",
        status=offer.status,
        status_label=offer.get_status_display(),
        outcome=_offer_outcome(offer.status, rows),
        specificity=offer.specificity,
        reciprocity=offer.reciprocity,
        main_reasons=main_reasons(offer.score_detail, [c.reasons for c in offer.commitments.all()], debrief=debrief),
        message=offer.message,
        parent_number=number_by_id.get(offer.parent_id),
        diff=None,
        responses=[
            ResponseRow(
                team_key=team_by_id[r.team_id].key,
                team_name=team_by_id[r.team_id].name,
                kind=r.kind,
                label=r.get_kind_display(),
                counter_number=number_by_id.get(r.counter_offer_id),
                at=r.created_at,
            )
            for r in offer.responses.all()
        ],
        commitments=rows,
        created_at=offer.created_at,
        decided_at=offer.decided_at,
    )


def _commitment_row(c: Commitment, offer: Offer, round_number) -> CommitmentRow:
    reasons = {r.get("code"): r for r in c.reasons or []}
    deadline = reasons.get("deadline")
    firm = bool(c.deadline.strip()) and (
        deadline is None or (deadline.get("points") or 0) >= 0.5 * (deadline.get("max_points") or 0)
    )
    verification = reasons.get("verification")
    verified = bool(c.verification.strip()) and (verification is None or (verification.get("points") or 0) > 0)
    return CommitmentRow(
        offer_number=offer.number,
        round_number=round_number[offer.round_id],
        position=c.position,
        summary=c.summary,
        by=c.by,
        to=list(c.to or []),
        kind=c.kind,
        fields={name: getattr(c, name) for name in COMMITMENT_FIELDS},
        specificity=c.specificity,
        reciprocity=offer.reciprocity,
        group=lesson.group(c.specificity, offer.reciprocity),
        outcome=c.outcome,
        outcome_label=c.get_outcome_display(),
        due_round=c.due_round,
        resolved_round=round_number.get(c.resolved_in_id),
        kept_probability=c.kept_probability,
        draw=c.draw,
        overridden=c.overridden,
        override_reason=c.override_reason,
        because=c.because,
        settled_at_end=c.settled_at_end,
        has_deadline=bool(c.deadline.strip()),
        firm_deadline=firm,
        verified=verified,
    )


def _offer_outcome(status: str, commitments: list[CommitmentRow]) -> str:
    if status != Offer.Status.ACCEPTED:
        return "not agreed"
    outcomes = {c.outcome for c in commitments}
    if Commitment.Outcome.BROKEN in outcomes:
        return "broken"
    if outcomes and outcomes <= {Commitment.Outcome.KEPT}:
        return "kept"
    return "agreed"


def main_reasons(detail: dict, commitment_reasons: list[list[dict]], *, debrief: bool = False) -> list[str]:
    """Why the scores are what they are: the gap that cost specificity the most across the
    offer's commitments ("No verification (2 of 2 commitments)"), then the reciprocity
    reason that cost the most points.

    In the debrief the reasons lose every value figure ("USA gives 6 and gets 8" reads
    "USA gets more than it gives"): those figures come from the teams' private value tables
    (rules.redact_values, the same rule a team's own pages follow).
    """
    texts = []
    shortfall: dict[str, float] = defaultdict(float)
    worst: dict[str, tuple[float, str]] = {}
    hits: dict[str, int] = defaultdict(int)
    for reasons in commitment_reasons:
        seen = set()
        for r in reasons or []:
            lost = (r.get("max_points") or 0) - (r.get("points") or 0)
            if lost <= 0:
                continue
            code = str(r.get("code", ""))
            shortfall[code] += lost
            if code not in seen:
                hits[code] += 1
                seen.add(code)
            if lost > worst.get(code, (-1, ""))[0]:
                worst[code] = (lost, "Vague wording" if code == "vague" else str(r.get("text", "")))
    if shortfall:
        code = max(shortfall, key=lambda c: (shortfall[c], c))
        n = len(commitment_reasons)
        texts.append(f"S: {worst[code][1]} ({hits[code]} of {n} commitment{'' if n == 1 else 's'})")
    rec = [r for r in (detail or {}).get("reasons", []) if str(r.get("code", "")).startswith("rec.")]
    rec = [r for r in rec if (r.get("max_points") or 0) - (r.get("points") or 0) > 0]
    if rec:
        r = max(rec, key=lambda r: (r.get("max_points") or 0) - (r.get("points") or 0))
        text = str(r.get("text", ""))
        texts.append("R: " + (rules.redact_values(text, None) if debrief else text))
    return texts


def diff_terms(row: OfferRow) -> offer_diff.OfferTerms:
    return offer_diff.OfferTerms(
        number=row.number,
        sender=row.from_key,
        recipients=tuple(row.to_keys),
        commitments=tuple(
            offer_diff.commitment_terms(c.position, c.fields, c.summary, c.specificity) for c in row.commitments
        ),
        specificity=row.specificity,
        reciprocity=row.reciprocity,
    )
