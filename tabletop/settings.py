"""Tabletop settings: one file, driven by the environment.

SQLite and the local-memory cache out of the box; DATABASE_URL (PostgreSQL) and
REDIS_URL (Redis cache) for a department-wide deployment. See docs/deployment.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from tabletop import secret

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DEBUG", False)
# Signs the sessions that hold players' seats. No key is built in: production sets
# SECRET_KEY; otherwise each installation generates its own, once (tabletop/secret.py).
SECRET_KEY_FILE = Path(os.environ.get("SECRET_KEY_FILE") or BASE_DIR / ".secret_key")
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SECRET_KEY"))
SECRET_KEY = secret.check_configured(
    os.environ.get("SECRET_KEY") or secret.load_or_create(SECRET_KEY_FILE), debug=DEBUG
)
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "exercises",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "exercises.middleware.DatabaseUnavailableMiddleware",
    "exercises.middleware.StandInsMiddleware",
]

ROOT_URLCONF = "tabletop.urls"
WSGI_APPLICATION = "tabletop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# SQLite is the embedded default: WAL lets readers run beside the one writer, the
# busy timeout queues writers instead of failing, and IMMEDIATE transactions take
# the write lock up front so two writers never deadlock on a lock upgrade.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "timeout": envint("SQLITE_TIMEOUT", 20),
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Tests use a file, not memory, so that concurrent threads get their own
            # connections and really contend for the lock.
            # One file per test process, so parallel runs never share it.
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_PATH", f"/tmp/tabletop-test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def redis_location(url: str) -> str:
    """Parallel test workers each get their own Redis database, since tests clear the cache."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, _, _db = url.rstrip("/").rpartition("/") if url.count("/") > 2 else (url.rstrip("/"), "", "")
    return f"{base}/{10 + int(worker[2:])}"  # 0-9 stay free for the app and benchmarks


if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "exercises.cache.RedisCache",
            "LOCATION": redis_location(os.environ["REDIS_URL"]),
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "tabletop"),
        }
    }
elif os.environ.get("CACHE_DIR"):
    # Several gunicorn workers on one machine must share the poll revisions: local
    # memory is per process. gunicorn.conf.py sets this for `make serve` (and clears it
    # at start: it holds nothing but poll state).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["CACHE_DIR"],
            "KEY_PREFIX": os.environ.get("CACHE_PREFIX", "tabletop"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Players have no account; their seat lives in a signed cookie, so a poll never
# reads a session table.
SESSION_ENGINE = "exercises.sessions"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG and SECRET_KEY_FROM_ENVIRONMENT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies of our own append to X-Forwarded-For. The client's address is that
# many entries from the right; everything to its left was written by the client and is
# never trusted (exercises/ratelimit.py). 0: the connection's own address.
TRUSTED_PROXY_HOPS = envint("TRUSTED_PROXY_HOPS", 1 if BEHIND_PROXY else 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own static files or with this response's nonce; htmx is
# configured (meta tag in base.html) not to inject inline styles or eval code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "exercise_list"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# gunicorn serves the vendored htmx and Bootstrap itself: no CDN, no extra web server.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Product limits: bad input gets a clear message, never a 500 (docs/security.md).
TABLETOP_LIMITS = {
    "commitments_per_offer": 12,
    "text_length": 2000,
    "players_per_team": 30,
    "teams_per_exercise": 60,
    "rounds_per_exercise": 20,
}
# How often pages poll, in seconds; the browser slows down when the tab is hidden.
TABLETOP_POLL_SECONDS = envint("TABLETOP_POLL_SECONDS", 2)
