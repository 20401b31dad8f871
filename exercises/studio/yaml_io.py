"""A scenario as YAML text and back (docs/scenario-format.md).

Out: a snapshot written as a pack an instructor can read and edit (long texts as
``|`` blocks, empty composer fields left out); loading it again gives the same
snapshot. In: an uploaded pack, bounded in bytes before it is decoded, then parsed by
the pack loader (safe loader, size, depth and alias-expansion bounds, every schema
check). Pure Python: the shell commands and the views share it.
"""

from __future__ import annotations

from typing import IO, Any

import yaml

from exercises.scenarios import ScenarioError, parse_scenario_text
from exercises.scenarios.loader import PACK_BOUNDS
from exercises.scenarios.validation import validate_scenario

__all__ = ["MAX_UPLOAD_BYTES", "read_upload", "to_yaml"]

# The loader refuses more than this many characters; a UTF-8 character is 1-4 bytes, and a
# pack is nearly all ASCII, so this many bytes is the honest bound (the shipped packs: 30-40 KB).
MAX_UPLOAD_BYTES = PACK_BOUNDS.max_chars


class _PackDumper(yaml.SafeDumper):
    """Block style, keys in the pack's order, multi-line texts as ``|`` blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_PackDumper.add_representer(str, _text)


def _readable(snapshot: dict) -> dict:
    """The snapshot without the composer fields nobody filled (``None``), which a pack omits."""
    data = dict(snapshot)
    data["catalogue"] = [
        dict(item, fields={k: v for k, v in item.get("fields", {}).items() if v is not None})
        for item in snapshot.get("catalogue", [])
    ]
    return data


def to_yaml(snapshot: dict) -> str:
    """A validated snapshot as a pack; ``parse_scenario_text`` of it gives the snapshot back.

    Re-validating puts every key back in the pack's order: PostgreSQL's jsonb keeps a
    stored version's keys in its own order, and the file must read the same on any database.
    """
    header = "# Tabletop scenario pack. Format: docs/scenario-format.md\n"
    ordered = validate_scenario(snapshot)
    body = yaml.dump(_readable(ordered), Dumper=_PackDumper, sort_keys=False, allow_unicode=True, width=100, indent=2)
    return header + body


def read_upload(stream: IO[bytes] | Any, name: str, size: int | None = None) -> dict:
    """Validate an uploaded pack; return its snapshot or raise ScenarioError (nothing is kept).

    ``size`` (the upload's declared size) refuses a huge file before a byte is read; the
    read itself is capped too, so a lying size changes nothing.
    """
    name = _safe_name(name)
    limit = MAX_UPLOAD_BYTES
    if size is not None and size > limit:
        raise ScenarioError(name, "file", f"is {size:,} bytes; a scenario pack may be at most {limit:,} bytes")
    raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise ScenarioError(name, "file", f"is larger than {limit:,} bytes, the most a scenario pack may be")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(name, "file", f"is not UTF-8 text (byte {exc.start + 1} cannot be read)") from None
    return parse_scenario_text(text, name)


def _safe_name(name: str) -> str:
    """The file name as errors show it: no directories, no control characters, not too long."""
    base = (name or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable())[:80]
    return base or "upload.yaml"
