"""What a referee recognises in a scenario pack: its calendar, places, verifiers and
vague formulas, how each catalogue item is delivered, and the sources the pack cites
(docs/scenario-format.md).

Validation in the loader's style (collect every mistake, name its place); the
rules engine is asked whether a pre-filled commitment books its own item, so the
pack and the scorer agree.
"""

from __future__ import annotations

import datetime
from typing import Any

CALENDAR_KEYS = ("start", "round_days", "horizon")
PLACE_KEYS = ("name", "aliases")
VERIFIER_KEYS = ("name", "aliases", "kind")
VAGUE_KEYS = ("name", "aliases", "needs_definition")
SOURCE_KEYS = ("title", "url", "note")
VERIFIER_KINDS = ("third-party", "party")
ROUND_DAYS_RANGE = (1, 3650)


def _not_a_list(check: Any, raw: Any, place: str) -> list:
    check.fail(place, f"must be a list (lines starting with '- '), got {check.show(raw)}")
    return []


def calendar(check: Any, raw: Any) -> dict:
    """In-game time: the date round 1 opens, days per round, the last date a deadline may name."""
    if raw is None or raw == {} or not check.mapping(raw, "calendar"):
        return {}  # no calendar: deadlines are not judged against in-game time
    check.keys(raw, CALENDAR_KEYS, CALENDAR_KEYS, "calendar")
    start = iso_date(check, raw.get("start"), "calendar.start")
    horizon = iso_date(check, raw.get("horizon"), "calendar.horizon")
    round_days = check.number(raw.get("round_days"), "calendar.round_days", *ROUND_DAYS_RANGE, integer=True)
    if start and horizon and horizon <= start:
        check.fail("calendar.horizon", f"must be after calendar.start ({start}), got {horizon}")
    if not (start and horizon and round_days):
        return {}
    return {"start": start, "round_days": round_days, "horizon": horizon}


def iso_date(check: Any, value: Any, place: str) -> str:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    check.fail(place, f"must be a date written YYYY-MM-DD, got {check.show(value)}")
    return ""


def names(check: Any, raw: Any, section: str, keys: tuple[str, ...]) -> list[dict]:
    """``places``, ``verifiers`` or ``vague``: entries with a name and aliases (a place or a
    vague formula may be a bare name)."""
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else _not_a_list(check, raw, section)
    result: list[dict] = []
    seen: dict[str, str] = {}
    for index, entry in enumerate(entries):
        place = f"{section}[{index}]"
        if isinstance(entry, str) and "kind" not in keys:
            entry = {"name": entry}
        if not check.mapping(entry, place):
            continue
        check.keys(entry, keys, ("name", "kind") if "kind" in keys else ("name",), place)
        item = {
            "name": check.text(entry.get("name"), f"{place}.name"),
            "aliases": check.str_list(entry.get("aliases", []), f"{place}.aliases", check.text),
        }
        if "kind" in keys:
            kind = entry.get("kind")
            if kind not in VERIFIER_KINDS:
                check.fail(f"{place}.kind", f"must be one of {', '.join(VERIFIER_KINDS)}, got {check.show(kind)}")
            item["kind"] = kind if kind in VERIFIER_KINDS else "third-party"
        if "needs_definition" in keys:
            item["needs_definition"] = check.boolean(entry.get("needs_definition", False), f"{place}.needs_definition")
        for written in [item["name"], *item["aliases"]]:
            folded = " ".join(written.lower().split())
            if folded and folded in seen:
                check.fail(place, f"{written!r} is already listed in {seen[folded]}")
            seen[folded] = place
        result.append(item)
    return result


def sources(check: Any, raw: Any) -> list[dict]:
    """Where the pack's facts come from: ``{title, url, note}`` entries (or a bare title).

    A link is shown to facilitators, so only web addresses are accepted: a
    ``javascript:`` link in an uploaded pack must never reach a page.
    """
    if raw is None:
        return []
    entries = raw if isinstance(raw, list) else _not_a_list(check, raw, "sources")
    result = []
    for index, entry in enumerate(entries):
        place = f"sources[{index}]"
        if isinstance(entry, str):
            entry = {"title": entry}
        if not check.mapping(entry, place):
            continue
        check.keys(entry, SOURCE_KEYS, ("title",), place)
        url = check.text(entry.get("url", ""), f"{place}.url", blank_ok=True)
        if url and not url.lower().startswith(("https://", "http://")):
            check.fail(
                f"{place}.url", f"must be a web address starting with https:// or http://, got {check.show(url)}"
            )
            url = ""
        result.append(
            {
                "title": check.text(entry.get("title"), f"{place}.title"),
                "url": url,
                "note": check.text(entry.get("note", ""), f"{place}.note", blank_ok=True),
            }
        )
    return result


def check_delivery(check: Any, snapshot: dict) -> None:
    """A pre-filled commitment must book its own item, and name places the scenario knows.

    Asks the rules engine (as for ``scoring``), so the pack and the scorer agree.
    """
    from exercises.rules.lexicon import SITE, Lexicon
    from exercises.rules.values import action_matches

    places = tuple((p["name"], tuple(p["aliases"])) for p in snapshot["places"] if p["name"])
    lexicon = Lexicon.for_scenario(places) if places else None
    for index, item in enumerate(snapshot["catalogue"]):
        action = item["fields"].get("action")
        if item["actions"] and action and not action_matches(tuple(item["actions"]), action):
            check.fail(
                f"catalogue[{index}].fields.action",
                f"{action!r} is not one of the item's actions ({', '.join(item['actions'])}), "
                "so a commitment pre-filled from it would not count as the item",
            )
        site = item["fields"].get("site")
        if lexicon is not None and site and not names_place(lexicon, site, SITE):
            check.fail(f"catalogue[{index}].fields.site", f"{site!r} names no place listed under 'places'")


def names_place(lexicon: Any, text: str, tag: str) -> bool:
    from exercises.rules.lexicon import lower, normalise

    for m in lexicon.phrase_re.finditer(lower(text)):
        entry = lexicon.raw.get(m.group()) or lexicon.entries.get(normalise(m.group()))
        if entry is not None and tag in entry[1]:
            return True
    return False
