"""A team's room as its students will see it, from a scenario version, before any exercise.

The same parts the team room shows when a class starts: the private brief and objectives,
the public situation, the catalogue the composer offers (with this team's own values,
which its brief holds and nobody else sees), and the news scheduled for each round.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CatalogueLine", "NewsLine", "TeamRoom", "team_room"]


@dataclass(frozen=True)
class CatalogueLine:
    number: int
    title: str
    category: str
    givers: str  # "you", "USA, E3EU" or "any team"
    value: float  # what it is worth to this team when delivered


@dataclass(frozen=True)
class NewsLine:
    title: str
    text: str
    when: str  # "round 2", "if: tension at least 70", "when the facilitator pushes it"


@dataclass(frozen=True)
class TeamRoom:
    key: str
    name: str
    brief: str
    objectives: tuple[str, ...]
    situation: str
    title: str
    you_give: tuple[CatalogueLine, ...]
    others_give: tuple[CatalogueLine, ...]
    news: tuple[NewsLine, ...]
    teams: tuple[tuple[str, str], ...]  # every team, for the switcher


def _line(item: dict, team_key: str) -> CatalogueLine:
    by = item.get("by") or []
    givers = "any team" if not by else ", ".join("you" if k == team_key else k for k in by)
    return CatalogueLine(
        number=item.get("number") or 0,
        title=item["title"],
        category=item.get("category", ""),
        givers=givers,
        value=item.get("values", {}).get(team_key, item.get("default_value", 0)),
    )


def _when(inject: dict) -> str:
    if inject.get("round"):
        return f"round {inject['round']}"
    trigger = inject.get("trigger")
    if trigger:
        parts = []
        for name, value in trigger.items():
            shown = value if isinstance(value, (str, int, float)) else ", ".join(value)
            parts.append(f"{name.replace('_', ' ')} {shown}")
        return "if " + " and ".join(parts)
    return "when the facilitator pushes it"


def team_room(snapshot: dict, team_key: str) -> TeamRoom | None:
    """The room of ``team_key`` in ``snapshot``; None when the scenario has no such team."""
    team = next((t for t in snapshot["teams"] if t["key"] == team_key), None)
    if team is None:
        return None
    items = sorted(snapshot["catalogue"], key=lambda i: i.get("number") or 0)
    mine = tuple(_line(i, team_key) for i in items if not i.get("by") or team_key in i["by"])
    theirs = tuple(_line(i, team_key) for i in items if i.get("by") and team_key not in i["by"])
    return TeamRoom(
        key=team["key"],
        name=team["name"],
        brief=team["brief"],
        objectives=tuple(team.get("objectives") or ()),
        situation=snapshot["situation"],
        title=snapshot["title"],
        you_give=mine,
        others_give=theirs,
        news=tuple(NewsLine(i["title"], i["text"], _when(i)) for i in snapshot.get("injects") or ()),
        teams=tuple((t["key"], t["name"]) for t in snapshot["teams"]),
    )
