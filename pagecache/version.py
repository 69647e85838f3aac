"""The content versions that all processes share (a file each on one machine, Redis or
memcached on several), part of every page-cache key (README.md, "Caching"):

* one token for the whole site, the *content version*: replacing it drops every cached
  page at once (an import, generated history, a restore: writes that send no signals);
* one token per table the public reads (`public_tables()`): a save or delete replaces its
  table's, which drops the pages whose rendering read that table and no other. Which
  tables a page read is recorded as it is rendered (pagecache/middleware.py).

`invalidate()` replaces one or the other when the public content changes. Also here: when
the next scheduled item becomes public, since no entry may outlive it.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
import time
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import transaction
from django.utils import timezone

from pagecache.backends import outage_handled, outage_seen
from publishing.models import PublicationState, publishable_models

VERSION_KEY = "content-version"
TABLE_KEY = "table-version:"  # + the table's name (Redis, memcached: a key each)
TABLES_RECORD = "table-versions"  # the file cache: every table's version in one file


def is_public_model(model) -> bool:
    """Whether writes to `model` can change what the public sees: the models of
    settings.CONTENT_APPS (and their many-to-many tables), not their history."""
    opts = getattr(model, "_meta", None)
    return bool(
        opts is not None
        and opts.app_label in settings.CONTENT_APPS
        and not opts.model_name.startswith("historical")
    )


_public_tables: frozenset[str] | None = None


def public_tables() -> frozenset[str]:
    """The tables of the public models: each has a version of its own."""
    global _public_tables
    if _public_tables is None:
        models = apps.get_models(include_auto_created=True)
        _public_tables = frozenset(m._meta.db_table for m in models if is_public_model(m))
    return _public_tables


def version_store():
    """The cache that holds the content version (settings.PAGE_CACHE_VERSION_ALIAS)."""
    return caches[settings.PAGE_CACHE_VERSION_ALIAS]


# --- The content version -----------------------------------------------------------------


def _new_token() -> str:
    # Time-ordered and random: never reused, even after the cache lost the key.
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


_file_memo: dict[str, tuple] = {}


_file_paths: dict[tuple[int, str], str] = {}


# A file replaced this recently is read again whatever its stat() says: timestamps move
# in coarse ticks (a few milliseconds), and a file written twice within one tick can come
# back with the inode freed by the first write and the same size (tokens have one length),
# so it would look unchanged.
RECENT_WRITE_NS = 50_000_000


def _read_file_version(store: FileBasedCache, key: str):
    """A version in the file cache (one machine). The file is read again only when it was
    replaced (FileBasedCache writes by renaming a new file in place), which a stat() tells
    far more cheaply than opening and unpickling it on every request; and for a moment
    after any write (RECENT_WRITE_NS)."""
    path = _file_paths.get((id(store), key))
    if path is None:
        path = _file_paths[(id(store), key)] = store._key_to_file(key)
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return None
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    memo = _file_memo.get(path)
    settled = time.time_ns() - stat.st_mtime_ns > RECENT_WRITE_NS
    if memo is not None and memo[0] == identity and settled:
        return memo[1]
    version = store.get(key)
    if version is not None:
        _file_memo[path] = (identity, version)
    return version


def _read_versions(store, keys: list[str]) -> dict:
    """The stored versions of `keys` (those found): one round trip to a shared cache."""
    if not isinstance(store, FileBasedCache):
        return store.get_many(keys)
    found = {key: _read_file_version(store, key) for key in keys}
    return {key: value for key, value in found.items() if value is not None}


def _versions(keys: list[str]) -> dict[str, str]:
    """The current version of each key, a new one made for a key that has none (never
    asked, or dropped by the cache): a token is never reused, so a page stored under an
    earlier one is never found again."""
    store = version_store()
    found = _read_versions(store, keys)
    for key in keys:
        if key not in found:
            token = _new_token()
            found[key] = token if store.add(key, token, timeout=None) else store.get(key, token)
    return found


def content_version() -> str:
    """The current content version (created the first time it is asked for).

    After the shared cache failed in this process (pagecache/backends.py), a new one first:
    an edit made while the cache was away could not replace the version, so the pages
    cached before the outage must not be found when the cache answers again."""
    if outage_seen():
        outage_handled()
        bump_content_version()  # if the cache is still away, the outage is seen again
    return _versions([VERSION_KEY])[VERSION_KEY]


def table_versions(tables=None) -> dict[str, str]:
    """The version of each of `tables` (by default every public table), by table name:
    one read of the shared cache."""
    return versions(tables)[1]


def versions(tables=None) -> tuple[str, dict[str, str]]:
    """(the content version, the version of each of `tables` by name; by default every
    public table's), in one read of the shared cache: what a page's key is made of."""
    if outage_seen():
        content_version()  # replaces the content version first (see there)
    names = sorted(public_tables() if tables is None else tables)
    store = version_store()
    if isinstance(store, FileBasedCache):
        version = _versions([VERSION_KEY])[VERSION_KEY]
        record = _file_tables(store, names)
        return version, {table: record[table] for table in names}
    found = _versions([VERSION_KEY, *(TABLE_KEY + table for table in names)])
    return found[VERSION_KEY], {table: found[TABLE_KEY + table] for table in names}


# The file cache (one machine): the tables' versions are one record, so that a cache hit
# stats two files, not one per table its page read. Writers change it under an exclusive
# lock on a file beside it, so no process's bump is lost to another's.


@contextmanager
def _record_lock(store: FileBasedCache):
    os.makedirs(store._dir, exist_ok=True)
    with open(os.path.join(store._dir, "table-versions.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _update_record(store: FileBasedCache, update) -> dict:
    with _record_lock(store):
        record = dict(store.get(TABLES_RECORD) or {})
        update(record)
        store.set(TABLES_RECORD, record, timeout=None)
    return record


def _file_tables(store: FileBasedCache, names: list[str]) -> dict:
    record = _read_file_version(store, TABLES_RECORD) or {}
    if all(name in record for name in names):
        return record

    def add_missing(record):
        for name in names:
            record.setdefault(name, _new_token())

    return _update_record(store, add_missing)


_publishable_tables: frozenset[str] | None = None


def publishable_tables() -> frozenset[str]:
    """The tables of the models published for a moment (what `next_publication` reads)."""
    global _publishable_tables
    if _publishable_tables is None:
        _publishable_tables = frozenset(m._meta.db_table for m in publishable_models())
    return _publishable_tables


def bump_content_version() -> None:
    """A new content version: every page cached so far is no longer found."""
    version_store().set(VERSION_KEY, _new_token(), timeout=None)


def bump_tables(tables) -> None:
    """New versions of `tables`: every page whose rendering read one is no longer found."""
    tables = sorted(set(tables) & public_tables())
    if not tables:
        return
    store = version_store()
    if isinstance(store, FileBasedCache):
        _update_record(store, lambda record: record.update({t: _new_token() for t in tables}))
    else:
        store.set_many({TABLE_KEY + t: _new_token() for t in tables}, timeout=None)


def _bump_after_commit() -> None:
    bump_content_version()


class _BumpTablesAfterCommit:
    """The tables a transaction wrote, bumped once when it commits."""

    def __init__(self):
        self.tables: set[str] = set()

    def __call__(self) -> None:
        bump_tables(self.tables)


# This thread's pages and bumps: `.stored` counts the pages it cached; `.bumped` is the
# count at its last bump of everything, `.tables` the count at each table's last bump.
_thread = threading.local()


def _cached_since_bump(table: str | None) -> bool:
    stored = getattr(_thread, "stored", 1)
    last = getattr(_thread, "bumped", 0)
    if table is not None:
        last = max(last, getattr(_thread, "tables", {}).get(table, 0))
    return stored > last


def invalidate(using=None, tables=None) -> None:
    """The public content changed (or is changing): drop every cached page, or with
    `tables` (the tables written), the pages that read one of them.

    Outside a transaction, at once. Inside one, once when it commits (until then other
    processes and threads read, and may cache, the old rows; one bump per transaction
    however many writes it makes), and at once as well if this thread has cached a page
    since its last bump, since only this thread can see the uncommitted rows (a test, or a
    page rendered inside the same transaction). So an import or loaddata that writes
    thousands of rows replaces the version twice, not thousands of times.
    """
    connection = transaction.get_connection(using)
    if tables is None:
        _invalidate_all(connection, using)
        return
    tables = set(tables) & public_tables()
    if not connection.in_atomic_block:
        bump_tables(tables)
        return
    now = {t for t in tables if _cached_since_bump(t)}
    if now:
        bump_tables(now)
        stored = getattr(_thread, "stored", 1)
        _thread.tables = {**getattr(_thread, "tables", {}), **dict.fromkeys(now, stored)}
    pending = next(
        (
            c
            for _sids, c, _robust in connection.run_on_commit
            if isinstance(c, _BumpTablesAfterCommit)
        ),
        None,
    )
    if pending is None:
        pending = _BumpTablesAfterCommit()
        transaction.on_commit(pending, using=using, robust=True)
    pending.tables |= tables


def _invalidate_all(connection, using) -> None:
    if not connection.in_atomic_block:
        bump_content_version()
        return
    if _cached_since_bump(None):
        bump_content_version()
        _thread.bumped = getattr(_thread, "stored", 1)
    if not any(
        callback is _bump_after_commit for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_bump_after_commit, using=using, robust=True)


def page_stored() -> None:
    """This thread has just cached a page (see `invalidate`)."""
    _thread.stored = getattr(_thread, "stored", 1) + 1


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
_UNKNOWN = object()


def scheduled_moment(version: str, now: float) -> float | None:
    """When the next scheduled item becomes public (a Unix time), or None. Kept in this
    process for `version` (made from the versions of everything and of the publishable
    tables, which any write to them replaces) until that moment passes."""
    at = _schedule_memo.get(version, _UNKNOWN)  # one read: another thread may clear it
    if at is not _UNKNOWN and (at is None or at > now):
        return at
    moment = next_publication(timezone.now())
    at = moment.timestamp() if moment else None
    _schedule_memo.clear()  # only the current version matters
    _schedule_memo[version] = at
    return at
