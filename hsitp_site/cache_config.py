"""The CACHES setting from one environment variable, DJANGO_CACHE_URL (README.md, "Caching").

Two aliases (settings.PAGE_CACHE_ALIAS and PAGE_CACHE_VERSION_ALIAS), used by pagecache/:

* `default`: rendered pages for anonymous readers (and small values derived from them);
* `content_version`: one key, the site's content version, which every process serving the
  site must share, because a write in one process must invalidate the pages of all;
* `fragments`: rendered pieces of pages (a milestone's entry, a meeting's row), kept in
  each process's memory whatever DJANGO_CACHE_URL says (pagecache/fragments.py). Their keys
  are made from what they show, so an entry is never stale and needs no invalidation or
  sharing; a dummy:// cache turns them off too.

Without DJANGO_CACHE_URL, pages are kept in each process's memory (LocMemCache) and the
content version in a small file that every process on the machine shares (FileBasedCache,
in DJANGO_CACHE_DIR). For several servers, point both at Redis or memcached:

    redis://127.0.0.1:6379/0                      one Redis
    redis://primary:6379/0,redis://replica:6379/0 writes to the first, reads spread over all
    memcached://10.0.0.1:11211,10.0.0.2:11211     keys spread over several memcached servers
    locmem://                                     the default, explicitly
    dummy://                                      no caching at all

Pure: no Django setup needed, so that settings.py can call it.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

PAGE_ALIAS = "default"
VERSION_ALIAS = "content_version"
FRAGMENT_ALIAS = "fragments"
DEFAULT_MAX_ENTRIES = 1000  # pages per process in memory (about 20-60 MB at this site's sizes)
FRAGMENT_MAX_ENTRIES = 30_000  # about 1 KB each: 30 MB at most per process
FRAGMENTS = {
    "BACKEND": "pagecache.backends.FragmentCache",  # LocMemCache, keys unchecked
    "LOCATION": "hsitp-fragments",
    "TIMEOUT": 7 * 24 * 3600,
    "OPTIONS": {"MAX_ENTRIES": FRAGMENT_MAX_ENTRIES, "CULL_FREQUENCY": 4},
}


class CacheURLError(ValueError):
    """DJANGO_CACHE_URL is not a cache this project knows how to use."""


def default_cache_dir(base_dir: Path) -> Path:
    """A folder in the system's temporary directory, one per checkout."""
    digest = hashlib.sha256(str(base_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"hsitp-history-cache-{digest}"


def cache_settings(
    url: str, *, cache_dir: Path, max_entries: int = DEFAULT_MAX_ENTRIES
) -> dict[str, dict]:
    """CACHES for DJANGO_CACHE_URL (empty: the single-machine default)."""
    url = (url or "").strip()
    scheme = urlsplit(url.split(",")[0].strip()).scheme.lower() if url else "locmem"
    if scheme == "locmem":
        return {
            PAGE_ALIAS: {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": "hsitp-pages",
                "OPTIONS": {"MAX_ENTRIES": max_entries},
            },
            VERSION_ALIAS: {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(cache_dir),
            },
            FRAGMENT_ALIAS: FRAGMENTS,
        }
    if scheme == "dummy":
        shared = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    elif scheme in {"redis", "rediss", "unix"}:
        locations = [part.strip() for part in url.split(",") if part.strip()]
        shared = {
            # Django's Redis cache, stepping aside while Redis is away (pagecache/backends.py)
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": locations if len(locations) > 1 else locations[0],
            # A Redis that does not answer costs a request half a second, not a minute.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    elif scheme in {"memcached", "pymemcache"}:
        servers = [part.strip().split("://")[-1].rstrip("/") for part in url.split(",")]
        if not all(servers):
            raise CacheURLError("DJANGO_CACHE_URL: memcached://host:port[,host:port...]")
        shared = {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": servers if len(servers) > 1 else servers[0],
        }
    else:
        raise CacheURLError(
            f"DJANGO_CACHE_URL: unknown scheme {scheme!r}; use redis://, memcached://, "
            "locmem:// or dummy://"
        )
    return {
        PAGE_ALIAS: {**shared, "KEY_PREFIX": "hsitp-page"},
        VERSION_ALIAS: {**shared, "KEY_PREFIX": "hsitp-version"},
        FRAGMENT_ALIAS: shared if scheme == "dummy" else FRAGMENTS,
    }
