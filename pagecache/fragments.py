"""Pieces of pages rendered once per version of what they show (README.md, "Caching").

A write drops every cached page (the content version), so the first reader after any edit,
and every signed-in editor, gets a page rendered afresh; most of that page (a hundred
milestone entries, a meeting's attendees) did not change. Templates wrap such pieces in
Django's `{% cache %}` tag, using the `fragments` cache, varied on `obj|fragment_version`
and the language:

    {% cache 604800 timeline_entry milestone|fragment_version LANGUAGE_CODE using="fragments" %}

`fragment_version` is made from every value the row was read with, and from the rows read
with it (select_related, prefetch_related): an entry is reused until one of them changes,
and never after, so no write has to find and drop it. A whole list of such entries is
one fragment too, around theirs, varied on `list_version` of its rows (made in the view):

    {% cache None timeline_list list_version page_lang using="fragments" %}...{% endcache %}

The `fragments` cache is each process's memory (hsitp_site/cache_config.py): a restart, a
new release of the templates, starts afresh.
"""

from __future__ import annotations

from hashlib import blake2b

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import get_language

_KEPT = "_fragment_version"  # where a row's version is kept for the response (_keep_version)


def fragment_version(obj) -> str:
    """A short string that changes whenever a value of `obj` or of the rows read with it
    does (a milestone and its lead picture; a meeting and its attendances); the one
    render_each() or list_version() kept on `obj`, if one did."""
    kept = obj.__dict__.get(_KEPT)
    return kept if kept is not None else _version(obj)


def _version(obj) -> str:
    values: list = []
    _collect(values, obj, set())
    return blake2b(repr(values).encode(), digest_size=12).hexdigest()


def _collect(values: list, obj, seen: set) -> None:
    """Every public attribute of `obj` and of the rows cached on it, in a stable order."""
    if obj is None or id(obj) in seen:  # an attendance's meeting is the one it was read with
        values.append(None if obj is None else "seen")
        return
    seen.add(id(obj))
    attributes = obj.__dict__
    values.append(obj._meta.label_lower)
    values.append([(k, v) for k, v in attributes.items() if k[0] != "_"])
    state = attributes.get("_state")
    for name, related in sorted(getattr(state, "fields_cache", {}).items()):
        values.append(name)
        _collect(values, related, seen)
    for name, rows in sorted(attributes.get("_prefetched_objects_cache", {}).items()):
        values.append(name)
        for row in rows:
            _collect(values, row, seen)


def _keep_version(obj) -> str:
    """`obj`'s fragment version, kept on it for the rest of the response: a list's template
    asks again for the versions of rows its view already asked for (the timeline's entries
    for their JSON-LD items and for the list's own version). Rows read for a response do
    not change before it is rendered; a row changed after this would be rendered as it
    was."""
    version = obj.__dict__[_KEPT] = fragment_version(obj)
    return version


def list_version(*lists) -> str:
    """One version for a piece of page made of the items of `lists` (iterables of rows), in
    their order: it changes whenever one of them, or their order, does. Each row's version
    is kept on it (`_keep_version`): a list's fragment is looked up once, and when it is
    rendered again its rows' own fragments reuse those versions."""
    versions = [[_keep_version(obj) for obj in rows] for rows in lists]
    return blake2b(repr(versions).encode(), digest_size=12).hexdigest()


def render_each(name: str, objects, render, *vary) -> list:
    """[render(obj) for obj in objects], each reused from the `fragments` cache while `obj`
    (and what was read with it) is unchanged: what a list of JSON items does where
    templates use `{% cache %}`. `name` says what is rendered ("meeting_json"); `vary`,
    whatever else the result depends on (the language, the origin of absolute URLs).
    Each object's version is kept on it, for the response being made (`_keep_version`)."""
    objects = list(objects)
    cache = caches[settings.FRAGMENT_CACHE_ALIAS]
    prefix = blake2b(repr((name, *vary)).encode(), digest_size=8).hexdigest()
    keys = [f"fragment.{prefix}.{_keep_version(obj)}" for obj in objects]
    found = cache.get_many(keys)
    missing = {}
    results = []
    for key, obj in zip(keys, objects, strict=True):
        if key not in found:
            missing[key] = found[key] = render(obj)
        results.append(found[key])
    if missing:
        cache.set_many(missing)
    return results


def schema_org_summaries(objects, absolute) -> list[dict]:
    """Each object's `schema_org_summary(absolute)` (the JSON-LD a list gives each item),
    reused while the object is unchanged: reversing two URLs a row was a quarter of the
    timeline's render."""
    return render_each(
        "schema_org_summary",
        objects,
        lambda obj: obj.schema_org_summary(absolute),
        get_language(),
        absolute("/"),
    )
