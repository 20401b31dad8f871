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
