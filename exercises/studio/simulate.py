"""A quick simulated class for the studio: a few seeds of base hits against grand bargains.

It plays the scenario version through ``exercises.simulation`` (the engine behind
``manage.py simulate_class``), so the studio tells an author whether base hits still beat
grand bargains in their version (docs/scoring.md asks for three times the value). A few
seeds only: a hint while writing, not the verdict of a 100-seed run.
"""

from __future__ import annotations

from dataclasses import dataclass

try:  # the simulation engine (issue 12) may be missing from an older tree
    from exercises import simulation as _engine
except ImportError:  # pragma: no cover - present on main once issue 12 lands
    _engine = None

__all__ = ["AVAILABLE", "QUICK_SEEDS", "SimulationRow", "SimulationTable", "quick_table"]

AVAILABLE = _engine is not None
QUICK_SEEDS = 3
STRATEGIES = ("base-hits", "grand-bargain")
LABELS = {"base-hits": "Base hits", "grand-bargain": "Grand bargains"}
TARGET_RATIO = 3.0  # docs/scoring.md: base hits deliver at least three times the value of grand bargains


@dataclass(frozen=True)
class SimulationRow:
    strategy: str
    label: str
    value_per_team: float
    kept_rate: float
    final_tension: float


@dataclass(frozen=True)
class SimulationTable:
    seeds: int
    rows: tuple[SimulationRow, ...]
    ratio: float | None  # base hits' value / grand bargains' value (None: grand bargains delivered nothing)
    verdict: str
    ok: bool


def quick_table(snapshot: dict, seeds: int = QUICK_SEEDS) -> SimulationTable | None:
    """Medians over ``seeds`` seeded classes of each strategy; None without the engine."""
    if _engine is None:
        return None
    results = _engine.simulate(snapshot, STRATEGIES, seeds)
    rows = tuple(
        SimulationRow(name, LABELS[name], s.value_per_team, s.kept_rate, s.final_tension) for name, s in results.items()
    )
    base, grand = results["base-hits"].value_per_team, results["grand-bargain"].value_per_team
    ratio = base / grand if grand > 0 else None
    ok = base > 0 and (ratio is None or ratio >= TARGET_RATIO)
    if base <= 0:
        verdict = "Base hits delivered nothing: no trade leaves both sides better off. Check the values."
    elif ratio is None:
        verdict = "Base hits deliver value; grand bargains delivered nothing. The lesson holds."
    elif ok:
        verdict = f"Base hits deliver {ratio:.1f} times the value of grand bargains. The lesson holds."
    else:
        verdict = (
            f"Base hits deliver only {ratio:.1f} times the value of grand bargains (the aim is "
            f"{TARGET_RATIO:g} times): vague deals pay too well in this version."
        )
    return SimulationTable(seeds, rows, ratio, verdict, ok)
