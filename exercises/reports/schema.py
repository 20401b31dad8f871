"""A small JSON Schema checker for the export's schema (jsonschema is not a dependency).

The schema ships inside the package, exercises/reports/export-schema.json (read with
importlib.resources), so a deployment without docs/ can still import files;
docs/export-format.md links to it.

It understands the keywords that schema uses: type, const, enum, required,
properties, additionalProperties (false), items, minItems, maxItems, minimum, maximum, oneOf,
$ref to #/$defs/..., and format date-time / date. Unknown keywords are ignored, as a
JSON Schema validator would treat annotations.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from django.utils.dateparse import parse_date, parse_datetime

SCHEMA_FILE = resources.files("exercises.reports") / "export-schema.json"

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


@lru_cache(maxsize=1)
def export_schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate_export(data) -> list[str]:
    """Problems found, as 'path: what is wrong'; an empty list means valid."""
    schema = export_schema()
    problems: list[str] = []
    _check(data, schema, schema, "$", problems)
    return problems


def _check(value, rule: dict, root: dict, path: str, problems: list[str]) -> None:
    if "$ref" in rule:
        name = rule["$ref"].removeprefix("#/$defs/")
        _check(value, root["$defs"][name], root, path, problems)
        return
    if "oneOf" in rule:
        matches = 0
        for option in rule["oneOf"]:
            found: list[str] = []
            _check(value, option, root, path, found)
            matches += not found
        if matches != 1:
            problems.append(f"{path}: matches {matches} of the allowed forms, not exactly one")
        return
    if "const" in rule and not _same(value, rule["const"]):
        problems.append(f"{path}: must be {rule['const']!r}")
    if "enum" in rule and not any(_same(value, option) for option in rule["enum"]):
        problems.append(f"{path}: {value!r} is not one of {rule['enum']}")
    types = rule.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(_TYPES[t](value) for t in types):
            problems.append(f"{path}: expected {' or '.join(types)}, got {type(value).__name__}")
            return
    if isinstance(value, str) and "format" in rule:
        parse = parse_datetime if rule["format"] == "date-time" else parse_date
        try:
            ok = parse(value) is not None
        except ValueError:
            ok = False
        if not ok:
            problems.append(f"{path}: {value!r} is not a {rule['format']}")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "minimum" in rule and value < rule["minimum"]:
        problems.append(f"{path}: {value} is below {rule['minimum']}")
    if number and "maximum" in rule and value > rule["maximum"]:
        problems.append(f"{path}: {value} is above {rule['maximum']}")
    if isinstance(value, dict):
        for name in rule.get("required", []):
            if name not in value:
                problems.append(f"{path}: missing {name!r}")
        properties = rule.get("properties", {})
        for name, item in value.items():
            if name in properties:
                _check(item, properties[name], root, f"{path}.{name}", problems)
            elif rule.get("additionalProperties") is False:
                problems.append(f"{path}: unexpected key {name!r}")
    if isinstance(value, list):
        if len(value) < rule.get("minItems", 0) or len(value) > rule.get("maxItems", len(value)):
            problems.append(f"{path}: wrong number of items ({len(value)})")
        if "items" in rule:
            for index, item in enumerate(value):
                _check(item, rule["items"], root, f"{path}[{index}]", problems)


def _same(value, expected) -> bool:
    """Equal and of the same JSON type: true is not 1, and 1.0 is not the version 1."""
    return value == expected and type(value) is type(expected)
