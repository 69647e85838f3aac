"""Settings for hsitp-history, read from the environment with safe local defaults.

Every variable is documented in README.md and .env.example.
"""

import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from hsitp_site.cache_config import (
    FRAGMENT_ALIAS,
    PAGE_ALIAS,
    VERSION_ALIAS,
    cache_settings,
    default_cache_dir,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("true", "1", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    """Read a whole-number environment variable; anything else stops with the reason."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """A header and its value, "HTTP_X_FORWARDED_PROTO,https", as a pair; None when unset."""
    items = env_list(name)
    if not items:
        return None
    if len(items) != 2:
        raise ImproperlyConfigured(
            f"{name} must be a header and a value, e.g. HTTP_X_FORWARDED_PROTO,https."
        )
    return items[0], items[1]


def env_origin(name: str, default: str) -> str:
    """An origin, "https://history.example.org": scheme and host (and port), no path."""
    value = os.environ.get(name, "").strip() or default
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or parts.path.strip("/"):
        raise ImproperlyConfigured(
            f"{name} must be the site's origin, e.g. https://history.example.org, not {value!r}."
        )
    return f"{parts.scheme}://{parts.netloc}"


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. It is required when DJANGO_DEBUG is off: "
            "set it in the environment (see .env.example), or set DJANGO_DEBUG=true "
            "on your own machine."
        )
    SECRET_KEY = "insecure-local-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
# The site's canonical origin: what identifiers that must never change are made from (the
# calendar's event UIDs, the feeds' Atom ids and RSS guids), whatever Host a request names.
SITE_URL = env_origin("DJANGO_SITE_URL", "http://127.0.0.1:8000")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "hsitp_site",  # first: its templates (simple_history's, overridden) take precedence
    "hsitp_site.apps.HistoryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # /sitemap.xml (hsitp_site/urls.py)
    "django_filters",
    "simple_history",
    "csp",  # Content-Security-Policy header (README.md, "Security")
    "axes",  # admin login throttling (README.md, "Security")
    "corsheaders",  # open data readable from other sites (README.md, "Public pages...")
    # Below the domain: what every publishable thing shares, the page cache, and the import
    # framework the domain apps register their importers with (README.md, "Architecture").
    "publishing",
    "translations",  # texts in English and Chinese (translations/fields.py)
    "pagecache",
    "importing",
    # The domain.
    "milestones",
    "meetings",
    "pictures",
    # Features that read the domain apps.
    "search",
    "opendata",
    "pages",
    "operations",
]

# The apps whose models the public reads: a write to one of them (their revision history
# aside) invalidates the page cache, and bulk writes refresh their tables' statistics.
CONTENT_APPS = ["milestones", "meetings", "pictures"]

MIDDLEWARE = [
    # /healthz: before the HTTPS redirect, the host check and the page cache (README,
    # "Deploying on several servers").
    "operations.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # early: every response carries the policy
    # Above the page cache, so that cached responses get the header too.
    "corsheaders.middleware.CorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Publishes scheduled changes that are due, before anything (a cached page) answers.
    "publishing.scheduling.ScheduledChangesMiddleware",
    "pagecache.middleware.PageCacheMiddleware",  # anonymous readers' pages (README, "Caching")
    # Readers' pages gzipped, never one with a CSRF token or a signed-in user's (BREACH);
    # inside the page cache, so that a page is compressed once, not on every hit
    # (pagecache/compression.py).
    "pagecache.compression.PublicGZipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

# django-axes first: it refuses locked-out credentials before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "hsitp_site.urls"
WSGI_APPLICATION = "hsitp_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hsitp_site.context_processors.navigation",
                "hsitp_site.context_processors.languages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite for a real site (README.md, "Reliability"): WAL lets readers go on while one
    # writer writes; a write transaction takes the write lock when it begins (IMMEDIATE), so
    # a second writer (an import, an editor's save) waits up to `timeout` seconds for it
    # instead of failing with "database is locked". Django turns foreign keys on itself.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("DJANGO_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# English, Traditional Chinese (Hong Kong usage) and Simplified Chinese, which is made from the
# Traditional with OpenCC (translations/languages.py). The history's texts are written in
# English and Traditional Chinese (translations/fields.py); a text shown in another language
# than its page's is marked with its own (lang="en").
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["hsitp_site.formats"]  # dates as written in Hong Kong English
TIME_ZONE = "Asia/Hong_Kong"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
# Files browsers ask for at the site's root, served by WhiteNoise as they are: /favicon.ico,
# /apple-touch-icon.png (drawn by scripts/make-icons.py).
WHITENOISE_ROOT = BASE_DIR / "hsitp_site" / "root"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}


# Caching (README.md, "Caching"): pages for anonymous readers in each process's memory and
# the content version that invalidates them in a file all processes share; DJANGO_CACHE_URL
# puts both in Redis or memcached (several servers). DJANGO_PAGE_CACHE_SECONDS=0 turns the
# page cache off; entries never outlive the next scheduled publication anyway.
CACHES = cache_settings(
    os.environ.get("DJANGO_CACHE_URL", ""),
    cache_dir=Path(os.environ.get("DJANGO_CACHE_DIR") or default_cache_dir(BASE_DIR)),
    max_entries=env_int("DJANGO_CACHE_MAX_ENTRIES", 1000),
)
PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 3600)
PAGE_CACHE_ALIAS = PAGE_ALIAS  # the CACHES entry for pages (pagecache/middleware.py)
FRAGMENT_CACHE_ALIAS = FRAGMENT_ALIAS  # ...and for pieces of pages (pagecache/fragments.py)
PAGE_CACHE_VERSION_ALIAS = VERSION_ALIAS  # ...and for the content version (pagecache/version.py)
EDIT_LOCK_CACHE_ALIAS = VERSION_ALIAS  # a cache every process shares (publishing/editing.py)


# Security (README.md, "Security"). With debug off everything is on: HTTPS only, HSTS for a
# year, secure cookies. The DJANGO_SECURE_* variables adapt it to a TLS proxy or a local run.
# Only set this behind a proxy that always sets (or strips) the header: Django then trusts it.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole domain to HTTPS in browsers for months: an operator's choice,
# so check --deploy is not asked to recommend it while it is off.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE  # over plain HTTP neither cookie would come back
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp) on every response: our own files only, no inline
# script or style anywhere (the admin included), nothing may frame the site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# CORS (django-cors-headers): the open data, feeds and calendar may be read by pages on any
# other site (a TimelineJS embed, a notebook); nothing else, and never with credentials.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api/|(zh-han[st]/)?(feeds/|meetings\.ics$))"  # feeds in each language
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]

# django-axes: after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is locked out for AXES_COOLOFF_TIME. Unlock: the admin's "Access attempts", or
# `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env_int("DJANGO_AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("DJANGO_AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True  # a mistyped password before a good one is forgiven
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
