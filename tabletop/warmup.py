"""The work each server process would otherwise do on its first request, done at start.

Without it, the first request a fresh gunicorn worker serves imports every view and
the rules engine (whose lexicon compiles some 400 patterns), builds the URL reverse
map and compiles the page's templates. tabletop/wsgi.py runs this when a worker loads
the application, before it accepts a connection (what it saves: docs/performance.md).
Nothing here touches the database or the cache.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template import engines
from django.urls import get_resolver, reverse

# Apps whose templates our pages render (form fields); the admin's are left cold.
TEMPLATE_APPS = ("crispy_forms", "crispy_bootstrap5")


def warm_up() -> None:
    get_resolver().url_patterns  # noqa: B018 - imports every view, and through them the rules engine
    reverse("healthz")  # builds the reverse map every page's links use
    engine = engines["django"]
    for name in template_names():
        engine.get_template(name)  # parsed once, kept by the cached loader


def template_names() -> list[str]:
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += [Path(apps.get_app_config(label).path) / "templates" for label in TEMPLATE_APPS]
    names = set()
    for root in roots:
        names.update(str(p.relative_to(root)) for p in root.rglob("*.html"))
    return sorted(names)
