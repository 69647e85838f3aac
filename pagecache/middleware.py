"""The page cache's middleware: what anonymous readers get is rendered once and served from
the cache until the content changes (README.md, "Caching").

One mechanism, applied in one place (`PageCacheMiddleware` in settings.MIDDLEWARE) to every
public page and data endpoint listed in `CACHED_NAMESPACES` and `CACHED_URL_NAMES`:

* **Keys.** A page is stored under a hash of the *content version*, the active language,
  the absolute URL (scheme, host, path and query string), the values of the request
  headers the response declared in `Vary` (e.g. `Accept` for /api/), and the version of
  each public table its rendering read. `Cookie` and `Accept-Language` are left out on
  purpose: only requests without a session are cached, and the language comes from the
  URL (LocaleMiddleware with i18n_patterns), which the key already holds as the active
  language.
* **Invalidation.** The versions are random tokens in the `content_version` cache, which
  all processes share (a file on one machine, Redis or memcached on several): one for
  everything, and one per public table (pagecache/version.py). While a page is rendered,
  `TableRecorder` notes which public tables its SQL names; the page is stored under their
  versions, and the URL's record of them (beside its `Vary`) lets the next request find
  it. Every save or delete of a public model replaces the versions of the tables it wrote
  (`post_save`/`post_delete`/`m2m_changed` signals call `invalidate(tables=...)`; the
  signals in pagecache/signals.py are used for this only; they are not domain logic), so
  only the pages that read one of them are dropped; writes that send no signals (the
  importers' bulk_create, generate_history) call `invalidate()`, which replaces the
  version of everything. Inside a transaction a version is replaced when it commits (so a
  page another process rendered meanwhile from the old rows is dropped), once however
  many rows it writes, and at once too if this thread cached a page since its last
  replacement (see `invalidate`).
* **Scheduled publication.** An item published for a future moment becomes public then,
  with no job and no write. So an entry never outlives the next scheduled publication: its
  lifetime is capped at that moment, found by one small query (`next_publication()` in
  pagecache/version.py) whose answer is itself cached per content version until the
  moment passes.
* **Who is never cached.** Requests with a session cookie or an Authorization header (any
  logged-in user: staff previews of drafts) bypass the cache, read and write. A response is
  stored only if it is a 200 to a GET, sets no cookie, is not marked private/no-store/
  no-cache, and the user is anonymous.
* **Conditional GET.** Cached responses carry a weak `ETag` (the key and the scheduled
  moment: it changes exactly when the content may) and `Last-Modified` (when the page was
  rendered); `If-None-Match` is answered with 304 once the stored page is found, with no
  query (an ETag is honoured only for a page stored under the key it was made from).
  `Cache-Control: max-age=0` makes browsers and proxies revalidate every time, and
  `Vary: Cookie` keeps shared caches from giving a reader's page to an editor.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from contextlib import ExitStack
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from pagecache.version import (
    page_stored,
    public_tables,
    publishable_tables,
    scheduled_moment,
    versions,
)

# The views that are cached: every public page, feed and data endpoint. The admin is not;
# tests/test_caching.py checks that nothing public is missed.
CACHED_NAMESPACES = frozenset({"milestones", "meetings", "api", "feeds"})
CACHED_URL_NAMES = frozenset(
    {"home", "search", "open-data", "calendar", "sitemap", "sitemap-section", "robots"}
)
NOT_CACHED_NAMESPACES = frozenset({"admin"})
NOT_CACHED_URL_NAMES: frozenset[str] = frozenset()
# Request headers a response may vary on that are not part of the key (see above).
KEY_IGNORES_VARY = frozenset({"cookie", "accept-language"})
# A streamed response (the CSVs) is kept if it is at most this large.
MAX_STREAMED_BYTES = 64 * 1024 * 1024
DEFAULT_SECONDS = 3600


def page_store():
    """The cache that holds the pages (settings.PAGE_CACHE_ALIAS)."""
    return caches[settings.PAGE_CACHE_ALIAS]


def page_cache_seconds() -> int:
    """The longest an entry lives (settings.PAGE_CACHE_SECONDS); 0 turns the cache off."""
    return getattr(settings, "PAGE_CACHE_SECONDS", DEFAULT_SECONDS)


# --- The middleware ----------------------------------------------------------------------


def _digest(*parts: str) -> str:
    return hashlib.md5("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()


def is_cached_view(request) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return match.namespace in CACHED_NAMESPACES or (
        not match.namespace and match.url_name in CACHED_URL_NAMES
    )


def is_anonymous_request(request) -> bool:
    """No session and no credentials: a reader, never an editor."""
    return (
        settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _vary_headers(response) -> list[str]:
    if not response.has_header("Vary"):
        return []
    return [header.strip() for header in cc_delim_re.split(response["Vary"]) if header.strip()]


class TableRecorder:
    """Records which public tables the SQL run while a page is rendered names (a database
    execute wrapper): the page depends on those tables and on no other. A full-text index
    (`<table>_fts`, SQLite) counts as its table."""

    _pattern: re.Pattern | None = None

    def __init__(self):
        self.tables: set[str] = set()

    @classmethod
    def pattern(cls) -> re.Pattern:
        if cls._pattern is None:
            names = sorted(public_tables(), key=len, reverse=True)
            cls._pattern = re.compile(r"(?<!\w)(" + "|".join(names) + r")(?:_fts)?(?!\w)")
        return cls._pattern

    def __call__(self, execute, sql, params, many, context):
        self.tables.update(self.pattern().findall(sql))
        return execute(sql, params, many, context)


_GZIP = re.compile(r"\bgzip\b")  # what GZipMiddleware looks for in Accept-Encoding


def _vary_value(request, header: str) -> str:
    """The value of a header the page varies on, as the key holds it. Accept-Encoding is
    only whether gzip is accepted (all GZipMiddleware asks): browsers send a dozen
    spellings ("gzip, deflate, br", "gzip, deflate, br, zstd"), each of which would be a
    page of its own to render and keep."""
    value = request.headers.get(header, "")
    if header.lower() == "accept-encoding":
        return "gzip" if _GZIP.search(value) else ""
    return value


@dataclass
class PageLookup:
    """One anonymous request's cache entry: where it is, and until when it is good."""

    started: float
    version: str
    scheduled: float | None
    valid_until: float
    base: str  # language and absolute URL
    tables: dict[str, str] = field(default_factory=dict)  # every public table's version
    vary: tuple[str, ...] = ()
    reads: tuple[str, ...] | None = None  # the tables the page read, as last learned
    served: bool = False
    key: str = field(default="", init=False)
    etag: str = field(default="", init=False)
    recording: ExitStack | None = field(default=None, init=False)
    recorder: TableRecorder | None = field(default=None, init=False)

    def locate(self, request) -> None:
        """The key: the content version, the URL, the headers it varies on, and the version
        of each table the page reads; the ETag: the key and the scheduled moment. Until it
        is known which tables the page reads, there is no key, and the ETag is made from
        every table's version."""
        values = [f"{name.lower()}={_vary_value(request, name)}" for name in self.vary]
        reads = sorted(self.tables) if self.reads is None else self.reads
        tables = [f"{table}={self.tables[table]}" for table in reads]
        key = "page:" + _digest(self.version, self.base, *values, *tables)
        self.key = "" if self.reads is None else key
        moment = "none" if self.scheduled is None else f"{self.scheduled:.6f}"
        self.etag = f'W/"{_digest(key, moment)[:32]}"'

    @property
    def vary_key(self) -> str:
        return "vary:" + _digest(self.base)

    def validators(self, response) -> None:
        """The ETag (only where the key backs it: see `cached_response`), Last-Modified,
        and what makes browsers and shared caches revalidate and tell readers apart."""
        if self.key:
            response["ETag"] = self.etag
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(self.started)
        patch_cache_control(response, max_age=0)
        patch_vary_headers(response, ["Cookie"])

    def record(self) -> None:
        """Note the public tables the rendering reads, from now until `recorded()`."""
        self.recorder = TableRecorder()
        self.recording = ExitStack()
        self.recording.enter_context(connection.execute_wrapper(self.recorder))

    def recorded(self) -> tuple[str, ...] | None:
        """Stop recording: the tables read, in order (None if nothing was recorded)."""
        if self.recording is None:
            return None
        self.recording.close()
        self.recording = None
        return tuple(sorted(self.recorder.tables))


# What this process learned of each URL (language and absolute URL): the request headers
# its response varied on, and the tables its rendering read. Also in the shared cache, for
# the other processes, under the URL's vary_key.
_vary_memo: dict[str, tuple[tuple[str, ...], tuple[str, ...] | None]] = {}
VARY_MEMO_SIZE = 10_000


def _learned(lookup: PageLookup) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
    """(the headers this URL's response varied on, the tables its page read), as last seen
    (in this process, else in the shared cache); the tables are None until first seen."""
    learned = _vary_memo.get(lookup.base)
    if learned is None:
        stored = page_store().get(lookup.vary_key)
        if isinstance(stored, dict):
            learned = (tuple(stored["vary"]), tuple(stored["reads"]))
        else:
            learned = ((), None)
        _remember(lookup.base, learned)
    return learned


def _remember(base: str, learned) -> None:
    if len(_vary_memo) >= VARY_MEMO_SIZE:
        _vary_memo.clear()
    _vary_memo[base] = learned


class RecentPages:
    """The pages this process served or stored last, kept as they are: a hit on one costs
    no unpickling, no copy of its body and no trip to a shared cache. Its keys hold the
    content version, so an entry here is never staler than the cache's own; the oldest go
    when the bodies pass `budget` bytes (a cached CSV of several megabytes was copied out
    of the cache on every hit: 1.7-4.6 times the trivial view, now as cheap as any page)."""

    def __init__(self, budget: int):
        self.budget = budget
        self.size = 0
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.lock = threading.Lock()  # runserver and threaded servers share it

    def get(self, key: str) -> dict | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: dict) -> None:
        size = len(entry["content"])
        if size > self.budget:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old["content"])
            self.entries[key] = entry
            self.size += size
            while self.size > self.budget:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped["content"])


RECENT_BYTES = 64 * 1024 * 1024
recent_pages = RecentPages(RECENT_BYTES)


def start_lookup(request) -> PageLookup:
    seconds = page_cache_seconds()
    now = time.time()
    base = f"{translation.get_language()}|{request.build_absolute_uri()}"
    lookup = PageLookup(now, "", None, now + seconds, base)
    lookup.vary, lookup.reads = _learned(lookup)
    # The versions the key needs (of the tables the page reads; of all until that is
    # known), and those of the tables where items are scheduled.
    needed = public_tables() if lookup.reads is None else lookup.reads
    lookup.version, lookup.tables = versions(publishable_tables().union(needed))
    scheduling = [lookup.tables[table] for table in sorted(publishable_tables())]
    lookup.scheduled = scheduled_moment(_digest(lookup.version, *scheduling), now)
    if lookup.scheduled is not None:
        lookup.valid_until = min(lookup.valid_until, lookup.scheduled)
    lookup.locate(request)
    return lookup


def cached_response(request, lookup: PageLookup) -> HttpResponse | None:
    """The stored page if there is one (a 304 if the reader's copy is it), else None.

    The ETag is only honoured for a page stored under its key: a page stored there was
    rendered from the versions the key holds, so a reader's copy with that ETag is
    current. Without one (this process's record of the tables the page reads may be
    older than the page), the page is rendered; its fresh ETag answers a match with 304."""
    if not lookup.key:
        return None
    entry = recent_pages.get(lookup.key)
    if entry is None:
        entry = page_store().get(lookup.key)
        if entry is not None:
            recent_pages.put(lookup.key, entry)
    if entry is None or entry["valid_until"] <= time.time():
        return None
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response[name] = value
    response["X-Page-Cache"] = "hit"
    return get_conditional_response(
        request, etag=lookup.etag, last_modified=entry["rendered"], response=response
    )


def _storable(request, response) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.cookies:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False  # a page with a CSRF token (a form): its cookie is set after this
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    if "*" in _vary_headers(response):
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def _entry(lookup: PageLookup, response, content: bytes) -> dict:
    return {
        "status": response.status_code,
        "headers": [(k, v) for k, v in response.items() if k.lower() != "x-page-cache"],
        "content": content,
        "rendered": int(lookup.started),
        "valid_until": lookup.valid_until,
    }


def _store(lookup: PageLookup, entry: dict) -> None:
    lifetime = lookup.valid_until - time.time()
    if lifetime > 0 and lookup.key:
        page_store().set(lookup.key, entry, math.ceil(lifetime))
        recent_pages.put(lookup.key, entry)
        page_stored()


def _streamed(request, lookup: PageLookup, response, chunks):
    """Pass the chunks on as they come; keep them, and store the whole once it is sent
    (its queries run as it is sent, so the tables it read are known only then)."""
    kept, size = [], 0
    try:
        for chunk in chunks:
            if kept is not None:
                kept.append(chunk)
                size += len(chunk)
                if size > MAX_STREAMED_BYTES:
                    kept = None
            yield chunk
    finally:
        reads = lookup.recorded()
    if kept is not None:
        _learn_reads(request, lookup, reads)
        if lookup.key:
            response["ETag"] = lookup.etag  # stored with the ETag its key backs
        _store(lookup, _entry(lookup, response, b"".join(kept)))


def _learn_reads(request, lookup: PageLookup, reads: tuple[str, ...] | None) -> None:
    """The page is stored under the versions of the tables it read (its key changes if
    they are not those learned before), and the URL's record is brought up to date."""
    reads = () if reads is None else reads
    if reads != lookup.reads:
        lookup.reads = reads
        _share_learned(lookup)
    if not set(reads) <= set(lookup.tables):
        # It read a table whose version was not taken before it rendered (one the page did
        # not read before): a version taken now might be newer than the rows it read. Not
        # stored, and no ETag; the next request takes them all first.
        lookup.key = ""
        return
    lookup.locate(request)


def _share_learned(lookup: PageLookup) -> None:
    learned = (lookup.vary, lookup.reads)
    record = {"vary": list(lookup.vary), "reads": list(lookup.reads or ())}
    page_store().set(lookup.vary_key, record, None)
    _remember(lookup.base, learned)


def finish(request, response, lookup: PageLookup):
    """After the view: validators on the response, and into the cache if it may be."""
    storable = _storable(request, response)
    if not storable or not response.streaming:
        reads = lookup.recorded()
    if not storable and not (request.method == "HEAD" and response.status_code == 200):
        patch_vary_headers(response, ["Cookie"])
        return response
    if response.streaming:
        # Its queries run as it is sent: the key (and so the ETag) is known at its end.
        # Recording stops then, or when the response is closed unsent.
        response._resource_closers.append(lookup.recorded)
        lookup.key = ""
    vary = tuple(name for name in _vary_headers(response) if name.lower() not in KEY_IGNORES_VARY)
    if vary != lookup.vary:  # first sight of this URL's Vary: key and ETag include it
        lookup.vary = vary
        if lookup.reads is not None:
            _share_learned(lookup)
        lookup.locate(request)
    if not response.streaming:
        _learn_reads(request, lookup, reads)  # before the ETag, which is made from the key
    lookup.validators(response)
    if request.method == "GET":
        response["X-Page-Cache"] = "miss"
        if response.streaming:
            response.streaming_content = _streamed(
                request, lookup, response, response.streaming_content
            )
        else:
            _store(lookup, _entry(lookup, response, response.content))
    answer = get_conditional_response(
        request,
        etag=lookup.etag if lookup.key else None,
        last_modified=int(lookup.started),
        response=response,
    )
    if answer is not response:
        lookup.recorded()  # a 304 in its place: the response is never sent
    return answer


class PageCacheMiddleware:
    """Serves anonymous readers from the page cache (see the module's docstring).

    Place it after AuthenticationMiddleware. It acts in process_view, once the URL is
    resolved, on the views `is_cached_view()` accepts, and only for GET and HEAD.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        lookup = getattr(request, "_page_cache", None)
        if lookup is not None:
            if not lookup.served:
                response = finish(request, response, lookup)
        elif getattr(request, "_page_cache_view", False):
            # Editors' responses differ from readers': shared caches must tell them apart.
            patch_vary_headers(response, ["Cookie"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not is_cached_view(request):
            return None
        request._page_cache_view = True
        if page_cache_seconds() <= 0 or not is_anonymous_request(request):
            return None
        lookup = start_lookup(request)
        request._page_cache = lookup
        response = cached_response(request, lookup)
        if response is not None:
            lookup.served = True
        else:
            lookup.record()
        return response
