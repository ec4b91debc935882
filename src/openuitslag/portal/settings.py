"""Django settings of the portal, read only from environment variables.

Everything an operator may change is an ``OPENUITSLAG_*`` variable or
``DATABASE_URL`` (all listed in the README), so that the same code runs as
the embedded demo (SQLite in the data folder) and as a deployment behind a
TLS proxy with PostgreSQL, without a settings file to edit.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parents[2]


def env_flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable such as ``OPENUITSLAG_DEBUG=1``."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable as a list."""
    raw = os.environ.get(name, default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Return the data folder (database, stored files, keys), created."""
    path = Path(os.environ.get("OPENUITSLAG_DATA_DIR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key(folder: Path) -> str:
    """Return the secret key from the environment or from the data folder.

    The portal has no logins except the admin, but Django needs a key for
    sessions and CSRF; a random one is kept in the data folder so that it
    survives restarts without anyone having to invent one.
    """
    configured = os.environ.get("OPENUITSLAG_SECRET_KEY")
    if configured:
        return configured

    path = folder / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DATA_DIR = data_dir()
FILES_DIR = DATA_DIR / "files"
DEBUG = env_flag("OPENUITSLAG_DEBUG")
SECRET_KEY = secret_key(DATA_DIR)
ALLOWED_HOSTS = env_list("OPENUITSLAG_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("OPENUITSLAG_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "openuitslag.portal.apps.PortalConfig",
    "openuitslag.api.apps.ApiConfig",
    "openuitslag.meldingen.apps.MeldingenConfig",
]
if (PACKAGE_DIR.parent / "harvest" / "apps.py").exists():
    INSTALLED_APPS.append("openuitslag.harvest")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openuitslag.api.middleware.ApiHeadersMiddleware",
    "openuitslag.portal.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "openuitslag.portal.urls"
WSGI_APPLICATION = "openuitslag.portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in the data folder unless DATABASE_URL says otherwise.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL")
        or f"sqlite:///{DATA_DIR / 'openuitslag.sqlite3'}",
        conn_max_age=600,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA temp_store=MEMORY;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page cache: per process by default; Redis when OPENUITSLAG_CACHE_URL
# is set, so that several servers share it.
CACHE_URL = os.environ.get("OPENUITSLAG_CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": None,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
PAGE_CACHE = env_flag("OPENUITSLAG_PAGE_CACHE", default=True)
# Every imported file also goes into the transparency log in the data folder.
ARCHIVE_IMPORTS = env_flag("OPENUITSLAG_ARCHIVE", default=True)
PAGE_MAX_AGE = int(os.environ.get("OPENUITSLAG_PAGE_MAX_AGE", "60"))

# Background work (re-verification after an admin change) through the
# Tasks API; the immediate backend needs no worker process.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "OPENUITSLAG_TASKS_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend",
        )
    }
}

# Dutch first, English second; the English pages live under /en/.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Amsterdam"

# Static files: our own, plus the NL Design System CSS that `npm ci`
# installs into node_modules; ``openuitslag serve`` copies the two built
# stylesheets into the data folder (see docs/portal.md).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
NODE_MODULES = Path(
    os.environ.get("OPENUITSLAG_NODE_MODULES", REPO_DIR / "node_modules")
)
VENDOR_DIR = DATA_DIR / "vendor"
VENDOR_DIR.mkdir(exist_ok=True)
STATICFILES_DIRS = [("nlds", VENDOR_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 3600

# Security headers. HSTS and secure cookies only when served behind TLS.
BEHIND_TLS = env_flag("OPENUITSLAG_TLS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if BEHIND_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("OPENUITSLAG_LOG_LEVEL", "WARNING"),
    },
}
