"""Benchmark of the rules engine: commitments scored per second on one core.

The composer rescores an offer on every keystroke and the facilitator screen
scores every offer of a round, so the target is >= 20,000 commitments/s.

    .venv/bin/python bench/bench_rules.py [N] [REPETITIONS]

``run()`` returns a dict for the project's bench runner.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exercises.rules import Catalogue, Commitment, score_commitment, specificity  # noqa: E402

TARGET_PER_S = 20_000

_ACTIONS = (
    "freeze",
    "dismantle",
    "withdraw",
    "work toward",
    "hold talks on",
    "suspend",
    "seek",
    "deliver",
    "allow access to",
    "establish",
    "declare in writing",
    None,
)
_OBJECTS = (
    "plutonium production and uranium enrichment",
    "guard posts inside the DMZ",
    "new relations",
    "large combined field exercises",
    "remains of US service members",
    "UN bans on coal and textiles",
    None,
)
_SITES = ("Yongbyon Nuclear Scientific Research Center", "Punggye-ri", "Joint Security Area, Panmunjom", None, None)
_DEADLINES = ("1 November 2018", "within 30 days", "this year", "at an early date", "by round 3", None, None)
_VERIFICATIONS = (
    "IAEA inspectors with continuous access",
    "joint on-site verification",
    "observers",
    "journalists",
    None,
    None,
)
_TEXTS = (
    "The DPRK will freeze all enrichment at Yongbyon within 60 days, upon verification by the IAEA.",
    "Both sides will work toward complete denuclearization and a lasting and stable peace regime.",
    "ROK and DPRK stop live-fire drills within 5 km of the MDL from 1 November 2018, in parallel.",
    "The United States will suspend the exercises for 12 months, with snap-back if tests resume.",
    "The parties will discuss corresponding measures at an appropriate time, in the spirit of Singapore.",
    "Deliver 50,000 tonnes of rice via the WFP, monitored at distribution points, as a first step that "
    "invites a response.",
    None,
    None,
)
_QUANTITIES = ((11, "guard posts"), ("50,000", "tonnes"), (5, None), (None, None), (None, None))
_PARTIES = ("USA", "DPRK", "ROK", "China", "Japan", "Russia", "UN")


def _text(i: int) -> str | None:
    text = _TEXTS[(i // 11) % len(_TEXTS)]
    # Free text differs from one commitment to the next, as players write it.
    return f"{text} (ref {i})" if text else None


def make_commitments(n: int, kinds: tuple[str, ...] = ()) -> list[Commitment]:
    """``n`` varied commitments, deterministic (no randomness)."""
    out = []
    for i in range(n):
        quantity, unit = _QUANTITIES[i % len(_QUANTITIES)]
        by = _PARTIES[i % len(_PARTIES)]
        out.append(
            Commitment(
                id=f"c{i}",
                by=by,
                to=(_PARTIES[(i + 1) % len(_PARTIES)],),
                kind=kinds[i % len(kinds)] if kinds and i % 3 == 0 else None,
                action=_ACTIONS[i % len(_ACTIONS)],
                object=_OBJECTS[(i // 2) % len(_OBJECTS)],
                quantity=quantity,
                unit=unit,
                site=_SITES[(i // 3) % len(_SITES)],
                deadline=_DEADLINES[(i // 5) % len(_DEADLINES)],
                verification=_VERIFICATIONS[(i // 7) % len(_VERIFICATIONS)],
                text=_text(i),
                conditional_on=(f"c{i - 1}",) if i % 4 == 1 else (),
                phase=(i % 3) + 1 if i % 6 == 0 else None,
            )
        )
    return out


def _catalogue() -> Catalogue:
    try:
        from exercises.scenarios import load_scenario

        return Catalogue.from_scenario(load_scenario("second-summit-2019"))
    except Exception:  # the benchmark must run without the scenario pack too
        return Catalogue.empty()


def _rates(commitments: list[Commitment], catalogue: Catalogue, repetitions: int) -> tuple[list[float], list[float]]:
    """Commitments per second of CPU time (robust to other processes) and of wall time."""
    cpu, wall = [], []
    for _ in range(repetitions):
        catalogue.lexicon.field_cache.clear()
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        for c in commitments:
            score_commitment(c, catalogue)
        cpu.append(len(commitments) / max(time.process_time() - start_cpu, 1e-9))
        wall.append(len(commitments) / max(time.perf_counter() - start_wall, 1e-9))
    return cpu, wall


def run(n: int = 5_000, repetitions: int = 7) -> dict:
    """Median commitments/s on one core.

    The headline ("commitments_per_s_median") is measured with the field-scan cache
    OFF, so every field of every commitment goes through the lexicon: the worst
    case. "cached_*" scores the same commitments with the cache on (cleared before
    each repetition), which is what the app sees when catalogue fields repeat.
    """
    catalogue = _catalogue()
    commitments = make_commitments(n, tuple(item.key for item in catalogue.items))
    for c in commitments[:200]:  # warm-up
        score_commitment(c, catalogue)
    saved = specificity.FIELD_CACHE_MAX
    try:
        specificity.FIELD_CACHE_MAX = 0
        cold_cpu, cold_wall = _rates(commitments, catalogue, repetitions)
        specificity.FIELD_CACHE_MAX = saved
        warm_cpu, _ = _rates(commitments, catalogue, repetitions)
    finally:
        specificity.FIELD_CACHE_MAX = saved
    median = statistics.median(cold_cpu)
    return {
        "name": "rules_engine",
        "commitments_per_s_median": round(median),
        "commitments_per_s_min": round(min(cold_cpu)),
        "commitments_per_s_max": round(max(cold_cpu)),
        "wall_commitments_per_s_median": round(statistics.median(cold_wall)),
        "cached_commitments_per_s_median": round(statistics.median(warm_cpu)),
        "commitments": n,
        "repetitions": repetitions,
        "target_per_s": TARGET_PER_S,
        "meets_target": median >= TARGET_PER_S,
        "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    print(json.dumps(run(*args), indent=2))
