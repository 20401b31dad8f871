"""The brief's lesson, in one place: what counts as specific and as reciprocal.

Gomez (2019): a detailed military agreement was implemented because it was
specific and reciprocal; a vague summit statement was neither. The report tests
that claim on the exercise: of the commitments that came due, were the specific
and reciprocal ones kept more often than the vague or one-sided ones?

A commitment is judged by its own specificity (S, 0-100, stored at submission)
and by the reciprocity (R, 0-100) of the offer it belongs to, the same two numbers
the outcome model uses for its kept probability. docs/report.md explains it.
"""

SPECIFIC_MIN = 60  # S >= 60: a concrete verb, object, deadline and verifier, roughly
RECIPROCAL_MIN = 60  # R >= 60: balanced, linked, checkable on both sides


def is_specific(specificity: int | None) -> bool:
    return (specificity or 0) >= SPECIFIC_MIN


def is_reciprocal(reciprocity: int | None) -> bool:
    return (reciprocity or 0) >= RECIPROCAL_MIN


def group(specificity: int | None, reciprocity: int | None) -> str:
    """One of four groups: 'specific+reciprocal', 'specific only', 'reciprocal only', 'neither'."""
    s, r = is_specific(specificity), is_reciprocal(reciprocity)
    if s and r:
        return "specific+reciprocal"
    if s:
        return "specific only"
    if r:
        return "reciprocal only"
    return "neither"


GROUPS = ("specific+reciprocal", "specific only", "reciprocal only", "neither")
