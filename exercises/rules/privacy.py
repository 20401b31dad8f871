"""Value figures are private: a team sees its own, never another team's.

Each team's value table is its private brief. Reasons and hints state what a
party gives and gets in its own values, always through ``ledger_phrase`` ("North
gives 23 and gets 2"), so one function can take them out again: a team reads its
own figures and, for every other party, only whether it gives more or less than
it gets. The debrief (``viewer=None``) shows no figures at all.
"""

from __future__ import annotations

import re

__all__ = ["ledger_phrase", "redact_values"]


def _g(x: float) -> str:
    return f"{round(x, 1):g}"


def ledger_phrase(party: str, gives: float, gets: float) -> str:
    """ "USA gives 4 and gets 14": the only way the engine writes a party's figures."""
    return f"{party} gives {_g(gives)} and gets {_g(gets)}"


_NUM = r"-?\d+(?:\.\d+)?"
_LEDGER_RE = re.compile(rf"(?P<party>[A-Za-z][\w.-]*) gives (?P<gives>{_NUM}) and gets (?P<gets>{_NUM})")
# Texts stored by earlier versions: "(USA gives 6, gets 8; North gives 6, gets 8)" in the
# balance reason, "USA gets 8 but gives 4" / "North gives 6 but gets 0 (its own values)" in hints.
_LEGACY_LIST_RE = re.compile(r"\s*\([^)]*\bgives\b[^)]*\)")
_LEGACY_HINT_RE = re.compile(
    rf"(?P<party>[A-Za-z][\w.-]*) (?:gives (?P<g1>{_NUM}) but gets (?P<r1>{_NUM})"
    rf"|gets (?P<r2>{_NUM}) but gives (?P<g2>{_NUM}))(?: \(its own values\))?"
)


def _qualitative(party: str, gives: float, gets: float) -> str:
    if gives > gets:
        return f"{party} gives more than it gets"
    if gets > gives:
        return f"{party} gets more than it gives"
    return f"{party} gives about what it gets"


def redact_values(text: str, viewer: str | None) -> str:
    """``text`` with every party's figures but ``viewer``'s replaced by words."""
    if not text or "gives" not in text:
        return text

    def ledger(m: re.Match) -> str:
        if viewer is not None and m["party"] == viewer:
            return m.group()
        return _qualitative(m["party"], float(m["gives"]), float(m["gets"]))

    def legacy_hint(m: re.Match) -> str:
        gives, gets = float(m["g1"] or m["g2"]), float(m["r1"] or m["r2"])
        if viewer is not None and m["party"] == viewer:
            return ledger_phrase(m["party"], gives, gets)
        return _qualitative(m["party"], gives, gets)

    text = _LEGACY_LIST_RE.sub("", text)
    text = _LEGACY_HINT_RE.sub(legacy_hint, text)
    return _LEDGER_RE.sub(ledger, text)
