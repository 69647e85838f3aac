"""The content version: one token that all processes share (a file on one machine, Redis or
memcached on several), part of every page-cache key. Replacing it drops every cached page
at once; `invalidate()` does, when the public content changes (README.md, "Caching").

Also here: when the next scheduled item becomes public, since no entry may outlive it.
"""

from __future__ import annotations

import os
import secrets
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.utils import timezone

from pagecache.backends import outage_handled, outage_seen
from publishing.models import PublicationState, publishable_models

VERSION_KEY = "content-version"


def version_store():
    """The cache that holds the content version (settings.PAGE_CACHE_VERSION_ALIAS)."""
    return caches[settings.PAGE_CACHE_VERSION_ALIAS]


# --- The content version -----------------------------------------------------------------


def _new_token() -> str:
    # Time-ordered and random: never reused, even after the cache lost the key.
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


_file_memo: dict[str, tuple] = {}


def _read_version(store):
    """The stored version. With the file cache (one machine), the file is read again only
    when it was replaced (FileBasedCache writes by renaming a new file in place), which a
    stat() tells far more cheaply than opening and unpickling it on every request."""
    if not isinstance(store, FileBasedCache):
        return store.get(VERSION_KEY)
    path = store._key_to_file(VERSION_KEY)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    memo = _file_memo.get(path)
    if memo is not None and memo[0] == identity:
        return memo[1]
    version = store.get(VERSION_KEY)
    if version is not None:
        _file_memo[path] = (identity, version)
    return version


def content_version() -> str:
    """The current content version (created the first time it is asked for).

    After the shared cache failed in this process (pagecache/backends.py), a new one first:
    an edit made while the cache was away could not replace the version, so the pages
    cached before the outage must not be found when the cache answers again."""
    if outage_seen():
        outage_handled()
        bump_content_version()  # if the cache is still away, the outage is seen again
    store = version_store()
    version = _read_version(store)
    if version is None:
        version = _new_token()
        if not store.add(VERSION_KEY, version, timeout=None):
            version = store.get(VERSION_KEY) or version
    return version


def bump_content_version() -> None:
    """A new content version: every page cached so far is no longer found."""
    version_store().set(VERSION_KEY, _new_token(), timeout=None)


def _bump_after_commit() -> None:
    bump_content_version()


_thread = threading.local()  # .stored: this thread cached a page since it last bumped


def invalidate(using=None) -> None:
    """The public content changed (or is changing): drop every cached page.

    Outside a transaction, at once. Inside one, once when it commits (until then other
    processes and threads read, and may cache, the old rows; one bump per transaction
    however many writes it makes), and at once as well if this thread has cached a page
    since its last bump, since only this thread can see the uncommitted rows (a test, or a
    page rendered inside the same transaction). So an import or loaddata that writes
    thousands of rows replaces the version twice, not thousands of times.
    """
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        bump_content_version()
        return
    if getattr(_thread, "stored", True):
        bump_content_version()
        _thread.stored = False
    if not any(
        callback is _bump_after_commit for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def page_stored() -> None:
    """This thread has just cached a page (see `invalidate`)."""
    _thread.stored = True


# --- Scheduled publication ---------------------------------------------------------------


def next_publication(after):
    """The earliest publication time later than `after` of anything published for the
    future (a scheduled item), or None: one query over every publishable model."""
    querysets = [
        model.objects.filter(state=PublicationState.PUBLISHED, published_at__gt=after)
        .order_by()
        .values_list("published_at", flat=True)
        for model in publishable_models()
    ]
    first, *others = querysets
    union = first.union(*others, all=True) if others else first
    return next(iter(union.order_by("published_at")[:1]), None)


_schedule_memo: dict[str, float | None] = {}


def scheduled_moment(version: str, now: float) -> float | None:
    """When the next scheduled item becomes public (a Unix time), or None. Kept in this
    process for the content version (any write replaces it) until that moment passes."""
    if version in _schedule_memo:
        at = _schedule_memo[version]
        if at is None or at > now:
            return at
    moment = next_publication(timezone.now())
    at = moment.timestamp() if moment else None
    _schedule_memo.clear()  # only the current version matters
    _schedule_memo[version] = at
    return at
