"""The shape of the code the issue 15 refactor promised, checked so it stays that way."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEWS = ROOT / "exercises" / "views"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_no_view_module_imports_another():
    offenders = {
        path.name: sorted(name for name in _imports(path) if name.startswith("exercises.views"))
        for path in VIEWS.glob("*.py")
    }
    assert {name: found for name, found in offenders.items() if found} == {}


def test_access_gates_live_in_access_py():
    """Views reach seats, consoles and observers through exercises.access only."""
    for path in VIEWS.glob("*.py"):
        text = path.read_text()
        assert "request.session" not in text, f"{path.name} reads the session itself"
        assert "def team_seat" not in text and "def observer_for_token" not in text, path.name


MAX_LINES = 600
# The rules' word lists are data, long by nature; migrations are written by makemigrations.
LONG_BY_NATURE = {ROOT / "exercises" / "rules" / "lexicon.py"}


def test_no_source_file_is_over_600_lines():
    """A file past this size holds more than one thing: split it into modules named from the domain."""
    too_long = {
        str(path.relative_to(ROOT)): lines
        for folder in ("exercises", "tests")
        for path in (ROOT / folder).rglob("*.py")
        if path not in LONG_BY_NATURE
        and "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}
