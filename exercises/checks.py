"""Deployment checks of our own, next to Django's (`manage.py check --deploy`)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_shared(app_configs, **kwargs):
    """A generated key is per installation: several app servers would each make their own."""
    if settings.SECRET_KEY_FROM_ENVIRONMENT:
        return []
    return [
        checks.Warning(
            f"SECRET_KEY is not set; this installation signs sessions with the key generated in "
            f"{settings.SECRET_KEY_FILE}.",
            hint="In production set SECRET_KEY, the same on every app server (docs/deployment.md).",
            id="tabletop.W001",
        )
    ]


@checks.register(checks.Tags.security)
def proxy_hops_are_sane(app_configs, **kwargs):
    hops = settings.TRUSTED_PROXY_HOPS
    if isinstance(hops, int) and 0 <= hops <= 10:
        return []
    return [
        checks.Error(
            f"TRUSTED_PROXY_HOPS is {hops!r}; it must be the number of your own proxies, 0 to 10.",
            hint="1 behind one reverse proxy (BEHIND_PROXY=1 sets it), 0 without a proxy (docs/deployment.md).",
            id="tabletop.E001",
        )
    ]
