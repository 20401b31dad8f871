"""Each player's part in the exercise, for the instructor who grades it.

Built by ``data.build_report`` from the teams and offers it has already loaded: no
query of its own. A player the facilitator removed is gone from the roster and from
these rows; their offers keep their text, without a sender's name.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime


@dataclass
class ParticipantRow:
    team_key: str
    team_name: str
    name: str
    joined_at: datetime
    last_seen_at: datetime | None
    offers_sent: int  # counters included
    answers_given: int  # accepts, rejects and counters given for the team


def participant_rows(teams, offers) -> list[ParticipantRow]:
    """Teams with their participants prefetched; offers with their responses prefetched."""
    sent = Counter(offer.submitted_by_id for offer in offers)
    answered = Counter(response.participant_id for offer in offers for response in offer.responses.all())
    return [
        ParticipantRow(
            team_key=team.key,
            team_name=team.name,
            name=player.display_name,
            joined_at=player.joined_at,
            last_seen_at=player.last_seen_at,
            offers_sent=sent[player.pk],
            answers_given=answered[player.pk],
        )
        for team in teams
        for player in team.participants.all()
    ]
