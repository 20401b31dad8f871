"""Scenario packs: YAML data files in this directory and their loader.

loader.py reads and finds packs; validation.py turns a parsed pack into its snapshot, with
referee.py and triggers.py; checks.py holds ScenarioError and the Checker they report through.

Pure Python (no Django import), so the rules engine and tests can use it
without settings. See docs/scenario-format.md.
"""

from .loader import (
    DEFAULT_SCENARIO_KEY,
    SCENARIO_DIR,
    ScenarioError,
    UnknownScenarioError,
    available_scenarios,
    load_scenario,
    load_scenario_file,
    parse_scenario_text,
    validate_scenario,
)

__all__ = [
    "DEFAULT_SCENARIO_KEY",
    "SCENARIO_DIR",
    "ScenarioError",
    "UnknownScenarioError",
    "available_scenarios",
    "load_scenario",
    "load_scenario_file",
    "parse_scenario_text",
    "validate_scenario",
]
