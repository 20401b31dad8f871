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


def _html_in_python(path: Path) -> list[str]:
    """f-strings that start with markup, and hand-written escape() calls, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]
            if isinstance(first, ast.Constant) and str(first.value).lstrip().startswith("<"):
                found.append(f"{node.lineno}: f-string of HTML")
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called == "escape":
                found.append(f"{node.lineno}: escape() by hand")
    return found


def test_template_tags_build_markup_with_format_html_only():
    """Markup written in Python (the hot tables) goes through format_html/format_html_join,
    which escape what they are given: no HTML in f-strings, no escape() to forget."""
    tags = sorted((ROOT / "exercises" / "templatetags").glob("*.py"))
    assert len(tags) > 1
    offenders = {path.name: _html_in_python(path) for path in tags}
    assert {name: found for name, found in offenders.items() if found} == {}


def test_the_html_check_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('x = f\'<td>{escape(name)}</td>\'\ny = f" <b>{n}</b>"\nz = f"round {n}"\n')
    assert sorted(_html_in_python(sample)) == ["1: escape() by hand", "1: f-string of HTML", "2: f-string of HTML"]
