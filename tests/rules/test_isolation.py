"""STYLE.md habit 1: the rules engine is pure and imports nothing from Django."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_it_imports_without_django_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys\n"
        "import exercises.rules, exercises.rules.cli\n"
        "from exercises.rules import Catalogue, Commitment, Offer, score_offer\n"
        "score_offer(Offer('o', (Commitment('c', 'USA', ('DPRK',), action='freeze'),)), Catalogue.empty())\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
