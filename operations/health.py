"""Is this server fit to serve? What /healthz answers (operations/middleware.py).

A server is healthy when its database answers a query and its shared cache (the pages and
the content version: several servers' one truth, README "Caching") takes a value and gives
it back. Each check says "ok" or what failed, in words an operator can act on.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import caches
from django.db import connection

OK = "ok"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001: any failure is the answer
        return f"failed: {type(error).__name__}: {error}".strip()
    return OK


def cache_status() -> str:
    """A value written to the shared caches and read back (a read alone would pass on a
    server that cannot write, and a cache that cannot be written serves stale pages)."""
    key, value = "healthz", uuid.uuid4().hex
    try:
        for alias in (settings.PAGE_CACHE_ALIAS, settings.PAGE_CACHE_VERSION_ALIAS):
            cache = caches[alias]
            cache.set(key, value, timeout=10)
            if cache.get(key) != value:
                return f"failed: the {alias!r} cache did not give back what it was given"
    except Exception as error:  # noqa: BLE001
        return f"failed: {type(error).__name__}: {error}".strip()
    return OK


def health() -> dict[str, str]:
    """{"database": "ok", "cache": "ok"}, or what failed in place of "ok"."""
    return {"database": database_status(), "cache": cache_status()}


def is_healthy(report: dict[str, str]) -> bool:
    return all(status == OK for status in report.values())
