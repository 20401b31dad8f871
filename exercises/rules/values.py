"""What a commitment is worth to each party: value from substance, not from a tag.

A catalogue item's value is booked only when the commitment is how the scenario
says the item is delivered: given by one of the teams the item lists (``by``)
with one of its actions (``actions``). Anything else is free text, whatever its
tag says: the USA "freezing its own paperwork", tagged as the other side's reactor
freeze, books nothing of the freeze. Free text is worth a conservative default
(``values.default_giver`` to the giver, ``values.default_receiver`` to each
receiver, 0 to anyone else) when it names something of substance the rules know
(fissile material, missiles, guard posts, sanctions, aid...); a step about
nothing the rules know (one potato, a press release) is a token, worth 0.

This is the one value function of the project: reciprocity's ledger, the offer's
stake weights, delivered value and team scores all call ``commitment_value``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon as lx
from .model import Catalogue, CatalogueItem, Commitment


@lru_cache(maxsize=1024)
def _action_re(actions: tuple[str, ...]) -> re.Pattern | None:
    """Any inflected form of any listed action, as whole words ("freezes", "frozen")."""
    forms = sorted({form for action in actions for form in lx.verb_forms(lx.lower(action).strip())}, key=len)
    if not forms:
        return None
    body = "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in reversed(forms))
    return re.compile(rf"(?<![\w])(?:{body})(?![\w])")


def action_matches(actions: tuple[str, ...], written: str | None) -> bool:
    """Does ``written`` (an action field, or free text) use one of ``actions``?
    An item that lists no actions accepts any."""
    if not actions:
        return True
    if not written:
        return False
    pattern = _action_re(actions)
    return pattern is not None and pattern.search(lx.lower(written)) is not None


def delivery_problem(c: Commitment, item: CatalogueItem) -> str:
    """Why ``c`` is not the delivery of ``item`` ("" when it is): the wrong giver, an action
    that does not deliver it, or an object that names something else ("1 potato" tagged
    as a reactor freeze). An empty object is read as the item's own."""
    problem = _problem(item.by, item.actions, c.by, c.action, None if c.action else c.text)
    if not problem and c.object and not _names_item(_item_words(item), c.object):
        return f"it is about {dict(item.fields).get('object') or item.title}, and “{c.object}” is not"
    return problem


# Words too common to tell two objects apart.
_COMMON = frozenset(
    [
        "with",
        "from",
        "that",
        "this",
        "their",
        "its",
        "own",
        "other",
        "every",
        "each",
        "some",
        "more",
        "than",
        "into",
        "onto",
        "upon",
        "over",
        "under",
        "about",
        "after",
        "before",
        "within",
        "without",
        "between",
        "also",
        "only",
        "such",
        "them",
        "they",
        "have",
        "will",
        "would",
        "shall",
    ]
)


def _stems(text: str) -> frozenset[str]:
    """Content words, cut to five letters so "sanction" meets "sanctions" and "dismantled"."""
    words = re.findall(r"[a-z]+", lx.lower(text))
    return frozenset(w[:5] for w in words if len(w) >= 4 and w not in _COMMON)


@lru_cache(maxsize=1024)
def _item_words(item: CatalogueItem) -> frozenset[str]:
    fields = dict(item.fields)
    return _stems(" ".join((item.title, fields.get("object", ""), fields.get("site", ""))))


@lru_cache(maxsize=8192)
def _names_item(item_words: frozenset[str], written: str) -> bool:
    """Does the written object share a content word with the item's title, object or site?"""
    return not item_words or bool(item_words & _stems(written))


@lru_cache(maxsize=8192)
def _problem(givers: tuple[str, ...], actions: tuple[str, ...], by: str, action: str | None, text: str | None) -> str:
    if givers and by not in givers:
        return f"{_names(givers)} {'delivers' if len(givers) == 1 else 'deliver'} it, not {by}"
    if not action_matches(actions, action or text):
        verbs = ", ".join(f"“{a}”" for a in actions)
        if action:
            return f"it is delivered by {verbs}, and the action “{action}” is none of them"
        return f"it is delivered by {verbs}, and the commitment names none of them"
    return ""


def _names(keys: tuple[str, ...]) -> str:
    return keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " or " + keys[-1]


def booked_item(c: Commitment, catalogue: Catalogue) -> CatalogueItem | None:
    """The catalogue item whose value ``c`` books, or None (free text)."""
    item = catalogue.item(c.kind)
    if item is None or delivery_problem(c, item):
        return None
    return item


def value_note(c: Commitment, catalogue: Catalogue) -> str:
    """What the team is told while drafting when a tagged item does not book its value."""
    item = catalogue.item(c.kind)
    if item is None:
        return ""
    problem = delivery_problem(c, item)
    if not problem:
        return ""
    v = catalogue.config.values
    return (
        f"Not counted as no. {item.number or '?'} “{item.title or item.key}”: {problem}. "
        f"It counts as free text (worth at most {abs(v.default_giver):g} to its giver and "
        f"{v.default_receiver:g} to each receiver)."
    )


def value_and_source(c: Commitment, party: str, catalogue: Catalogue) -> tuple[float, bool]:
    """(value of ``c`` to ``party``, whether a catalogue item or an explicit value prices it).

    Order: the commitment's own ``value`` for that party, then the item it books
    (its ``default_value`` for parties it does not list), then the free-text
    default: the giver loses ``default_giver``, each receiver gains
    ``default_receiver``, anyone else 0; a token (free text that names no object
    the rules know) is worth 0 to everyone.
    """
    if c.value:
        for name, v in c.value:
            if name == party:
                return v, True
    item = booked_item(c, catalogue)
    if item is not None:
        return item.value(party), True
    if party != c.by and party not in c.to:
        return 0.0, False
    if not lx.names_object(catalogue.lexicon, c.object, c.action, c.text):
        return 0.0, False
    if party == c.by:
        return catalogue.config.values.default_giver, False
    return catalogue.config.values.default_receiver, False


def commitment_value(c: Commitment, party: str, catalogue: Catalogue) -> float:
    """Value of ``c`` to ``party`` in the party's own values (see ``value_and_source``)."""
    return value_and_source(c, party, catalogue)[0]
