"""Pieces of pages rendered once per version of what they show (README.md, "Caching").

A write drops every cached page (the content version), so the first reader after any edit,
and every signed-in editor, gets a page rendered afresh; most of that page (a hundred
milestone entries, a meeting's attendees) did not change. Templates wrap such pieces in
Django's `{% cache %}` tag, using the `fragments` cache, varied on `obj|fragment_version`
and the language:

    {% cache 604800 timeline_entry milestone|fragment_version LANGUAGE_CODE using="fragments" %}

`fragment_version` is made from every value the row was read with, and from the rows read
with it (select_related, prefetch_related): an entry is reused until one of them changes,
and never after, so no write has to find and drop it. The `fragments` cache is each
process's memory (hsitp_site/cache_config.py): a restart, a new release of the templates,
starts afresh.
"""

from __future__ import annotations

from hashlib import blake2b


def fragment_version(obj) -> str:
    """A short string that changes whenever a value of `obj` or of the rows read with it
    does (a milestone and its lead picture; a meeting and its attendances)."""
    digest = blake2b(digest_size=12)
    _feed(digest, obj)
    return digest.hexdigest()


def _feed(digest, obj) -> None:
    if obj is None:
        digest.update(b"\x00")
        return
    digest.update(obj._meta.label_lower.encode())
    for name, value in vars(obj).items():
        if not name.startswith("_"):
            digest.update(f"\x1f{name}\x1e{value!r}".encode())
    state = obj.__dict__.get("_state")
    for name, related in sorted(getattr(state, "fields_cache", {}).items()):
        digest.update(f"\x1d{name}".encode())
        _feed(digest, related)
    for name, rows in sorted(obj.__dict__.get("_prefetched_objects_cache", {}).items()):
        digest.update(f"\x1c{name}".encode())
        for row in rows:
            _feed(digest, row)
