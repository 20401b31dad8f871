"""Bounds on the documents people hand Tabletop: exercise exports and scenario packs.

Both are trees of mappings, lists and scalars, checked against their schema before
anything is stored. Before the schema is even consulted, the tree is measured: its
size in characters, how deeply it nests, how many values it holds once YAML aliases
are expanded, and whether its text could be stored at all (PostgreSQL refuses NUL
characters; JSON has no NaN or infinity). Measuring never recurses, so a document
nested 20,000 levels deep, or a "billion laughs" of aliases that expands to 10**9
values from a few hundred bytes, is refused in one line in milliseconds.

Pure Python + PyYAML, like the scenario loader that uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import yaml

__all__ = ["Bounds", "DocumentError", "check_tree", "check_yaml_events"]


class DocumentError(ValueError):
    """The document is too large, too deep or holds what cannot be stored; ``str()`` says which."""


@dataclass(frozen=True)
class Bounds:
    max_chars: int
    max_depth: int
    max_values: int

    def check_size(self, length: int) -> None:
        if length > self.max_chars:
            raise DocumentError(f"is {length:,} characters long; the most accepted is {self.max_chars:,}")


def check_tree(data, bounds: Bounds) -> None:
    """Depth, number of values, NUL characters and non-finite numbers of a parsed document."""
    values = 0
    pending = [(data, 1, "top level")]
    while pending:
        value, depth, place = pending.pop()
        values += 1
        if values > bounds.max_values:
            raise DocumentError(f"holds more than {bounds.max_values:,} values")
        if depth > bounds.max_depth:
            raise DocumentError(f"nests more than {bounds.max_depth} levels deep (at {place})")
        if isinstance(value, dict):
            for key, inner in value.items():
                _check_scalar(key, place)
                pending.append((inner, depth + 1, f"{place}.{key}" if depth > 1 else str(key)))
        elif isinstance(value, list):
            pending.extend((inner, depth + 1, f"{place}[{i}]") for i, inner in enumerate(value))
        else:
            _check_scalar(value, place)


def _check_scalar(value, place: str) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise DocumentError(f"holds a NUL character (at {place})")
    if isinstance(value, float) and not math.isfinite(value):
        raise DocumentError(f"holds {value!r}, which is not a finite number (at {place})")


def check_yaml_events(text: str, loader, bounds: Bounds) -> None:
    """Measure YAML text from its parser's events, before any object is built from it.

    Each anchor's size (the values under it) is counted once, where it is defined; each
    alias then adds that size, so the expanded count is known after one pass, whatever
    the aliases multiply to. Raises DocumentError, or yaml.YAMLError for broken YAML.
    """
    bounds.check_size(len(text))
    sizes: dict[str, int] = {}
    open_nodes: list[list] = []  # [values so far, anchor] for each mapping or sequence being read
    expanded = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionEndEvent):
            count, anchor = open_nodes.pop()
            if anchor:
                sizes[anchor] = count
            if open_nodes:
                open_nodes[-1][0] += count
            continue
        if isinstance(event, yaml.CollectionStartEvent):
            open_nodes.append([1, event.anchor])
            if len(open_nodes) > bounds.max_depth:
                line = event.start_mark.line + 1
                raise DocumentError(f"nests more than {bounds.max_depth} levels deep (line {line})")
            expanded += 1
        elif isinstance(event, yaml.ScalarEvent | yaml.AliasEvent):
            count = sizes.get(event.anchor, 1) if isinstance(event, yaml.AliasEvent) else 1
            if isinstance(event, yaml.ScalarEvent) and event.anchor:
                sizes[event.anchor] = 1
            expanded += count
            if open_nodes:
                open_nodes[-1][0] += count
        else:
            continue
        if expanded > bounds.max_values:
            raise DocumentError(
                f"expands to more than {bounds.max_values:,} values (line {event.start_mark.line + 1}); "
                "YAML aliases (*name) that repeat large parts are the usual cause"
            )
