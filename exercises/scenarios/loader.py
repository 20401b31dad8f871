"""Load and validate scenario packs (YAML files in this directory).

A scenario pack is data written by instructors, so the loader is strict and
talkative: every mistake is reported with the file, the exact place
(``catalogue[3].values.USA``) and what is wrong. It returns a plain,
JSON-serialisable dict (the "snapshot") that an exercise stores at creation, so
later edits to a pack never rewrite a past exercise.

Pure Python + PyYAML on purpose: the rules engine, management commands and
tests use it without Django settings. The format is documented in
docs/scenario-format.md.
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from exercises.documents import Bounds, DocumentError, check_tree, check_yaml_events
from exercises.scenarios.checks import ScenarioError, UnknownScenarioError
from exercises.scenarios.validation import validate_scenario

SCENARIO_DIR = Path(__file__).resolve().parent
DEFAULT_SCENARIO_KEY = "second-summit-2019"

__all__ = [
    "DEFAULT_SCENARIO_KEY",
    "PACK_BOUNDS",
    "SCENARIO_DIR",
    "ScenarioError",
    "UnknownScenarioError",
    "available_scenarios",
    "load_scenario",
    "load_scenario_file",
    "parse_scenario_text",
    "validate_scenario",
]


# --------------------------------------------------------------------------
# Reading YAML


# libyaml's parser is ~5x faster than the pure-Python one; fall back if absent.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """SafeLoader that refuses duplicate keys.

    Plain YAML silently keeps the last of two equal keys, which would hide an
    instructor's copy-paste mistake (two ``values:`` in one item).
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # unhashable key: let PyYAML report it
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _yaml_error(file: str, exc: yaml.YAMLError) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None)
    problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line, always
    if mark is None:
        return ScenarioError(file, "file", f"not valid YAML: {problem}")
    place = f"line {mark.line + 1}, column {mark.column + 1}"
    return ScenarioError(file, place, f"not valid YAML: {problem}")


# A pack is a few dozen kilobytes (the shipped one: 28 KB, 5 levels, under 700 values).
# These bounds leave room for far larger ones and refuse hostile ones before they are built.
PACK_BOUNDS = Bounds(max_chars=1_000_000, max_depth=20, max_values=50_000)


def parse_scenario_text(text: str, file: str = "<text>") -> dict:
    """Parse YAML text (e.g. an uploaded pack) and validate it.

    The text is measured from the parser's events first (size, depth, values after
    alias expansion: exercises/documents.py), so a hostile pack is refused before a
    single object is built from it.
    """
    try:
        check_yaml_events(text, _StrictLoader, PACK_BOUNDS)
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - safe loader subclass
        check_tree(data, PACK_BOUNDS)
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except DocumentError as exc:
        raise ScenarioError(file, "file", str(exc)) from None
    return validate_scenario(data, file)


def load_scenario_file(path: str | Path) -> dict:
    """Read, validate and normalise one pack; return its snapshot dict."""
    path = Path(path)
    try:
        if path.stat().st_size > 4 * PACK_BOUNDS.max_chars:  # 4 bytes per character at most in UTF-8
            raise ScenarioError(path.name, "file", f"is larger than {PACK_BOUNDS.max_chars:,} characters")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(path.name, "file", f"cannot be read: {exc}") from None
    return parse_scenario_text(text, path.name)


# --------------------------------------------------------------------------
# Finding packs

# One directory's packs, keyed by a stamp of file names and mtimes so that an
# edited pack is picked up without a restart. Holds snapshots, so picking a
# scenario does not parse YAML again.
_cache: dict[tuple, dict[str, tuple[Path, dict]]] = {}


def _packs(directory: str | Path | None) -> dict[str, tuple[Path, dict]]:
    directory = Path(directory) if directory else SCENARIO_DIR
    files = sorted(directory.glob("*.yaml"))
    stamp = (str(directory), *((str(f), f.stat().st_mtime_ns) for f in files))
    if stamp not in _cache:
        packs = _index(files)  # may raise: then nothing is cached
        _cache.clear()
        _cache[stamp] = packs
    return _cache[stamp]


def _index(files: list[Path]) -> dict[str, tuple[Path, dict]]:
    found: dict[str, tuple[Path, dict]] = {}
    for path in files:
        snapshot = load_scenario_file(path)
        key = snapshot["key"]
        if key in found:
            message = f"{key!r} is already the key of {found[key][0].name}"
            raise ScenarioError(path.name, "key", message)
        found[key] = (path, snapshot)
    return found


def available_scenarios(directory: str | Path | None = None) -> dict[str, Path]:
    """Map scenario key -> file for every ``*.yaml`` in the directory.

    Every file is fully validated, so a broken pack shipped with the app fails
    loudly here rather than when a facilitator picks it.
    """
    return {key: path for key, (path, _) in _packs(directory).items()}


def load_scenario(key: str, directory: str | Path | None = None) -> dict:
    """Snapshot of the pack with this key; UnknownScenarioError if none."""
    packs = _packs(directory)
    if key not in packs:
        where = Path(directory).name if directory else SCENARIO_DIR.name
        listing = ", ".join(sorted(packs)) or "(none)"
        message = f"unknown scenario {key!r}; known scenarios: {listing}"
        raise UnknownScenarioError(where, "key", message)
    # a copy: callers store and may change it; the cached one must stay intact
    return copy.deepcopy(packs[key][1])
