"""What the report judges: each team's record, strengths and areas for improvement, and the lesson's verdict.

The thresholds are the lesson's (lesson.py); every sentence carries its numbers.
"""

from __future__ import annotations

from statistics import mean

from exercises.models import Commitment, Offer
from exercises.reports import lesson
from exercises.reports.rows import CommitmentRow, Lesson, LessonGroup, OfferRow, TeamAnalysis, TeamRoundRow


def team_analysis(team, offer_rows, commitments, scores, rounds, debrief: bool, exercise) -> TeamAnalysis:
    sent = [o for o in offer_rows if o.from_key == team.key]
    made = [c for c in commitments if c.by == team.key and c.outcome != Commitment.Outcome.VOID]
    own_scores = {s.round_id: s for s in scores if s.team_id == team.pk}
    per_round = []
    for r in rounds:
        in_round = [o for o in sent if o.round_number == r.number]
        score = own_scores.get(r.pk)
        per_round.append(
            TeamRoundRow(
                number=r.number,
                offers_sent=len(in_round),
                mean_s=_mean([o.specificity for o in in_round]),
                mean_r=_mean([o.reciprocity for o in in_round]),
                total=score.total if score else None,
                delivered=score.delivered if score else None,
                stability=score.stability if score else None,
            )
        )
    involved = [o for o in offer_rows if o.is_agreement and (o.from_key == team.key or team.key in o.to_keys)]
    kept = sum(c.outcome == Commitment.Outcome.KEPT for c in made)
    broken = sum(c.outcome == Commitment.Outcome.BROKEN for c in made)
    strengths, improvements = assess_team(team.key, offer_rows, commitments)
    final = next((row.total for row in reversed(per_round) if row.total is not None), None)
    scenario_team = team.scenario_team if not debrief else {}
    return TeamAnalysis(
        key=team.key,
        name=team.name,
        participants=[p.display_name for p in team.participants.all() if not p.is_removed],
        brief=scenario_team.get("brief", ""),
        objectives=list(scenario_team.get("objectives", [])),
        rounds=per_round,
        final_score=final,
        offers_sent=len(sent),
        mean_s=_mean([o.specificity for o in sent]),
        mean_r=_mean([o.reciprocity for o in sent]),
        agreements=len(involved),
        commitments_made=len(made),
        kept=kept,
        broken=broken,
        strengths=strengths,
        improvements=improvements,
    )


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(mean(values), 1) if values else None


def _count(n: int, word: str) -> str:
    numbers = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    return f"{numbers.get(n, n)} {word}{'' if n == 1 else 's'}"


def assess_team(key: str, offer_rows: list[OfferRow], commitments: list[CommitmentRow]) -> tuple[list[str], list[str]]:
    """Strengths and areas for improvement, each a sentence with its numbers.

    Judged on what the team itself wrote (commitments it proposed that it would carry
    out) and what it agreed to; the thresholds are the lesson's (lesson.py).
    """
    strengths: list[str] = []
    improve: list[str] = []
    sent = [o for o in offer_rows if o.from_key == key]
    own = [c for o in sent for c in o.commitments if c.by == key]
    if own:
        vague = sum(not c.firm_deadline for c in own)
        none = sum(not c.has_deadline for c in own)
        if vague * 3 >= len(own):
            detail = f" ({none} none, {vague - none} vague)" if none and vague - none else ""
            word = "no deadline" if none == vague else "no firm deadline"
            improve.append(f"{vague} of {len(own)} {key} commitments had {word}{detail}.")
        elif vague == 0:
            strengths.append(f"All {len(own)} {key} commitments had a firm deadline.")
        unverified = sum(not c.verified for c in own)
        if unverified * 3 >= len(own):
            improve.append(f"{unverified} of {len(own)} {key} commitments named no verification.")
        elif unverified == 0:
            strengths.append(f"Every {key} commitment said who would verify it.")
    scored = [o for o in sent if o.specificity is not None]
    if scored:
        s = _mean([o.specificity for o in scored])
        r = _mean([o.reciprocity for o in scored])
        if s >= lesson.SPECIFIC_MIN:
            strengths.append(f"{key}'s offers averaged specificity {s:.0f} (threshold {lesson.SPECIFIC_MIN}).")
        elif s < lesson.SPECIFIC_MIN - 20:
            improve.append(f"{key}'s offers averaged specificity {s:.0f}, well below {lesson.SPECIFIC_MIN}.")
        if r >= lesson.RECIPROCAL_MIN:
            strengths.append(f"{key}'s offers averaged reciprocity {r:.0f} (threshold {lesson.RECIPROCAL_MIN}).")
        elif r < lesson.RECIPROCAL_MIN - 20:
            improve.append(f"{key}'s offers averaged reciprocity {r:.0f}, well below {lesson.RECIPROCAL_MIN}.")
    accepted = [
        o for o in offer_rows if o.is_agreement and any(x.team_key == key and x.kind == "accept" for x in o.responses)
    ]
    one_sided = [o for o in accepted if not lesson.is_reciprocal(o.reciprocity)]
    if one_sided:
        numbers = ", ".join(f"#{o.number}" for o in one_sided)
        improve.append(
            f"{key} accepted {_count(len(one_sided), 'one-sided agreement')} (R < {lesson.RECIPROCAL_MIN}: {numbers})."
        )
    made = [c for c in commitments if c.by == key and c.outcome in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN)]
    if made:
        kept = sum(c.outcome == Commitment.Outcome.KEPT for c in made)
        if kept * 3 >= 2 * len(made):
            strengths.append(f"{key} kept {kept} of {len(made)} commitments that came due.")
        elif kept * 2 < len(made):
            improve.append(f"{key} broke {len(made) - kept} of {len(made)} commitments that came due.")
    expired = [o for o in sent if o.status == Offer.Status.EXPIRED]
    if expired:
        improve.append(f"{_count(len(expired), 'offer').capitalize()} from {key} expired unanswered.")
    agreements = [o for o in offer_rows if o.is_agreement and (o.from_key == key or key in o.to_keys)]
    if sent and not agreements:
        improve.append(f"{key} reached no agreement in {_count(len(sent), 'offer')} sent.")
    countered = [o for o in sent if o.diff is not None]
    raised = [o for o in countered if _raised(o, offer_rows)]
    if raised:
        strengths.append(
            f"{_count(len(raised), 'counter-offer').capitalize()} from {key} raised specificity "
            "over the offer it answered."
        )
    return strengths, improve


def _raised(counter: OfferRow, offer_rows: list[OfferRow]) -> bool:
    parent = next((o for o in offer_rows if o.number == counter.parent_number), None)
    return bool(parent and (counter.specificity or 0) > (parent.specificity or 0))


# --- the lesson -----------------------------------------------------------------------------------


def build_lesson(commitments: list[CommitmentRow]) -> Lesson:
    resolved = [c for c in commitments if c.outcome in (Commitment.Outcome.KEPT, Commitment.Outcome.BROKEN)]
    unresolved = sum(c.outcome == Commitment.Outcome.DUE for c in commitments)

    def make(name: str, rows: list[CommitmentRow]) -> LessonGroup:
        kept = sum(c.outcome == Commitment.Outcome.KEPT for c in rows)
        probabilities = [c.kept_probability for c in rows if c.kept_probability is not None]
        return LessonGroup(name, len(rows), kept, len(rows) - kept, _mean(probabilities) if probabilities else None)

    tested = make("Specific and reciprocal", [c for c in resolved if c.group == "specific+reciprocal"])
    others = make("Vague or one-sided", [c for c in resolved if c.group != "specific+reciprocal"])
    groups = [make(g, [c for c in resolved if c.group == g]) for g in lesson.GROUPS]
    return Lesson(
        specific_min=lesson.SPECIFIC_MIN,
        reciprocal_min=lesson.RECIPROCAL_MIN,
        tested=tested,
        others=others,
        groups=groups,
        unresolved=unresolved,
        verdict=_verdict(tested, others),
    )


def _verdict(tested: LessonGroup, others: LessonGroup) -> str:
    if not tested.resolved or not others.resolved:
        missing = "specific and reciprocal" if not tested.resolved else "vague or one-sided"
        return f"Not testable yet: no {missing} commitment has come due."
    a, b = tested.rate, others.rate
    small = (
        " The groups are small; read this as an illustration, not evidence."
        if min(tested.resolved, others.resolved) < 5
        else ""
    )
    if a > b:
        return (
            f"Consistent with the brief: specific and reciprocal commitments were kept {a:.0%} of the time "
            f"({tested.kept} of {tested.resolved}), vague or one-sided ones {b:.0%} "
            f"({others.kept} of {others.resolved}).{small}"
        )
    if a < b:
        return (
            f"Not borne out here: specific and reciprocal commitments were kept {a:.0%} of the time "
            f"({tested.kept} of {tested.resolved}), vague or one-sided ones {b:.0%} "
            f"({others.kept} of {others.resolved}).{small}"
        )
    return f"No difference: both groups were kept {a:.0%} of the time.{small}"
