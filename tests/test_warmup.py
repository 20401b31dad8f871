"""tabletop/warmup.py: a worker compiles what its first visitor would otherwise wait for."""

from django.template import engines

from tabletop import warmup


def test_it_compiles_every_project_template_without_touching_the_database():
    loader = engines["django"].engine.template_loaders[0]
    assert loader.__class__.__name__ == "Loader" and loader.__module__.endswith("cached")
    loader.reset()  # as in a fresh worker
    # No db fixture: pytest-django fails any query made here.
    warmup.warm_up()
    names = warmup.template_names()
    assert "exercises/console.html" in names and "bootstrap5/field.html" in names
    cached = set(loader.get_template_cache)
    assert set(names) <= cached


def test_the_wsgi_application_warms_itself_when_loaded():
    import importlib

    import tabletop.wsgi

    calls = []
    original = warmup.warm_up
    warmup.warm_up = lambda: calls.append(1)
    try:
        importlib.reload(tabletop.wsgi)
    finally:
        warmup.warm_up = original
    assert calls == [1]
