"""The key that signs sessions: from the environment, or generated once per installation.

A player's seat lives in a signed session cookie, so whoever knows the key can sit in
any team. There is therefore no built-in key at all: production sets SECRET_KEY (the
same on every app server); without it, the first start writes a random key to a file
only its owner can read (.secret_key next to manage.py, or SECRET_KEY_FILE) and every
later start reads it back. A fresh clone runs `make run` or `make serve` without any
set-up, yet no two installations share a key. When the file can be neither read nor
written, the server refuses to start and says what to set.
"""

import os
import secrets
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# Django marks the keys of its project templates with this prefix; they are public.
INSECURE_PREFIX = "django-insecure-"
MIN_LENGTH = 50


def load_or_create(path: Path) -> str:
    """The key kept in ``path``, written there first (mode 0600) if the file is missing."""
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = _create(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise _refusal(path, exc) from None
    if len(key) < MIN_LENGTH:
        raise ImproperlyConfigured(
            f"The secret key in {path} is shorter than {MIN_LENGTH} characters. "
            "Delete the file to have a new one generated, or set SECRET_KEY."
        )
    return key


def _create(path: Path) -> str:
    """Write a new key without ever exposing a half-written file.

    Parallel processes (test workers, gunicorn workers) may start at once: each writes
    its own temporary file and links it into place; the first link wins and everyone
    reads the winner's key.
    """
    key = secrets.token_urlsafe(48)  # 64 characters, 384 bits
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-key-")
        try:
            os.write(handle, key.encode("ascii"))
            os.fchmod(handle, 0o600)
        finally:
            os.close(handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
        finally:
            os.unlink(temporary)
    except OSError as exc:
        raise _refusal(path, exc) from None
    return key


def _refusal(path: Path, exc: Exception) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"SECRET_KEY is not set and the per-installation key file {path} cannot be used ({exc}). "
        "Set SECRET_KEY (50+ random characters, the same on every app server) or SECRET_KEY_FILE "
        "(a path this user may write). See docs/deployment.md."
    )


def check_configured(key: str, *, debug: bool) -> str:
    """Refuse a key anyone can look up, unless DEBUG says this is a developer's machine."""
    if not debug and key.startswith(INSECURE_PREFIX):
        raise ImproperlyConfigured(
            f"SECRET_KEY starts with {INSECURE_PREFIX!r}: it is a published development key, and anyone "
            "who knows it can sit in any team. Set a random one (see docs/deployment.md)."
        )
    return key
