"""A server worker loads the report's heavy libraries only when it draws a report.

matplotlib, numpy, PIL and openpyxl add some 43 MB to a worker; most workers of a
class session never serve a report (issue #7: < 150 MB RSS after the classroom run).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("matplotlib", "numpy", "PIL", "openpyxl", "weasyprint")


def _modules_after(code: str) -> set[str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tabletop.settings")
    script = (
        "import sys, django\n"
        "django.setup()\n"
        "from django.urls import resolve\n"
        "resolve('/healthz')\n"  # loads the URLconf, and with it every view module
        f"{code}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


def test_every_view_loads_without_the_report_libraries():
    assert not _modules_after("") & set(HEAVY)


def test_drawing_a_chart_loads_them():
    # The check above must be able to fail: the same probe sees them once they are used.
    loaded = _modules_after("from exercises.reports import charts, tables")
    assert {"matplotlib", "numpy"} <= loaded
