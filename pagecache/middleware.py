"""The page cache's middleware: what anonymous readers get is rendered once and served from
the cache until the content changes (README.md, "Caching").

One mechanism, applied in one place (`PageCacheMiddleware` in settings.MIDDLEWARE) to every
public page and data endpoint listed in `CACHED_NAMESPACES` and `CACHED_URL_NAMES`:

* **Keys.** A page is stored under a hash of the *content version*, the active language,
  the absolute URL (scheme, host, path and query string) and the values of the request
  headers the response declared in `Vary` (e.g. `Accept` for /api/). `Cookie` and
  `Accept-Language` are left out on purpose: only requests without a session are cached,
  and the language comes from the URL (LocaleMiddleware with i18n_patterns), which the key
  already holds as the active language.
* **Invalidation.** The content version is one random token in the `content_version` cache,
  which all processes share (a file on one machine, Redis or memcached on several). Every
  write to a model the public reads (milestones, meetings, people, organisations,
  attendances, pictures...) replaces it: `post_save`/`post_delete` signals call
  `invalidate()` (pagecache/version.py; the signals in pagecache/signals.py are used for
  this only; they are not domain logic), and writes
  that send no signals (the importers' bulk_create, generate_history) call it themselves.
  Inside a transaction the token is replaced when it commits (so a page another process
  rendered meanwhile from the old rows is dropped), once however many rows it writes, and
  at once too if this thread cached a page since its last replacement (see `invalidate`).
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
  rendered); `If-None-Match` is answered with 304 before the page is even fetched.
  `Cache-Control: max-age=0` makes browsers and proxies revalidate every time, and
  `Vary: Cookie` keeps shared caches from giving a reader's page to an editor.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from pagecache.version import content_version, page_stored, scheduled_moment

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


@dataclass
class PageLookup:
    """One anonymous request's cache entry: where it is, and until when it is good."""

    started: float
    version: str
    scheduled: float | None
    valid_until: float
    base: str  # language and absolute URL
    vary: tuple[str, ...] = ()
    served: bool = False
    key: str = field(default="", init=False)
    etag: str = field(default="", init=False)

    def locate(self, request) -> None:
        values = [f"{name.lower()}={request.headers.get(name, '')}" for name in self.vary]
        self.key = "page:" + _digest(self.version, self.base, *values)
        moment = "none" if self.scheduled is None else f"{self.scheduled:.6f}"
        self.etag = f'W/"{_digest(self.key, moment)[:32]}"'

    @property
    def vary_key(self) -> str:
        return "vary:" + _digest(self.base)

    def validators(self, response) -> None:
        response["ETag"] = self.etag
        if not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(self.started)
        patch_cache_control(response, max_age=0)
        patch_vary_headers(response, ["Cookie"])


_vary_memo: dict[str, tuple[str, ...]] = {}
VARY_MEMO_SIZE = 10_000


def _learned_vary(lookup: PageLookup) -> tuple[str, ...]:
    """The request headers this URL's response varied on, as last seen (in this process,
    else in the shared cache)."""
    vary = _vary_memo.get(lookup.base)
    if vary is None:
        vary = tuple(page_store().get(lookup.vary_key) or ())
        _remember_vary(lookup.base, vary)
    return vary


def _remember_vary(base: str, vary: tuple[str, ...]) -> None:
    if len(_vary_memo) >= VARY_MEMO_SIZE:
        _vary_memo.clear()
    _vary_memo[base] = vary


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
    version = content_version()
    base = f"{translation.get_language()}|{request.build_absolute_uri()}"
    lookup = PageLookup(now, version, None, now + seconds, base)
    lookup.vary = _learned_vary(lookup)
    lookup.scheduled = scheduled_moment(version, now)
    if lookup.scheduled is not None:
        lookup.valid_until = min(lookup.valid_until, lookup.scheduled)
    lookup.locate(request)
    return lookup


def cached_response(request, lookup: PageLookup) -> HttpResponse | None:
    """304 if the reader's copy is current, the stored page if there is one, else None."""
    if request.META.get("HTTP_IF_NONE_MATCH"):
        stub = HttpResponse()
        lookup.validators(stub)
        del stub["Last-Modified"]  # when the stored page was rendered is not known here
        answer = get_conditional_response(request, etag=lookup.etag, response=stub)
        if answer is not stub:
            return answer
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
    if lifetime > 0:
        page_store().set(lookup.key, entry, math.ceil(lifetime))
        recent_pages.put(lookup.key, entry)
        page_stored()


def _streamed(lookup: PageLookup, response, chunks):
    """Pass the chunks on as they come; keep them, and store the whole once it is sent."""
    kept, size = [], 0
    for chunk in chunks:
        if kept is not None:
            kept.append(chunk)
            size += len(chunk)
            if size > MAX_STREAMED_BYTES:
                kept = None
        yield chunk
    if kept is not None:
        _store(lookup, _entry(lookup, response, b"".join(kept)))


def finish(request, response, lookup: PageLookup):
    """After the view: validators on the response, and into the cache if it may be."""
    if not _storable(request, response) and not (
        request.method == "HEAD" and response.status_code == 200
    ):
        patch_vary_headers(response, ["Cookie"])
        return response
    vary = tuple(name for name in _vary_headers(response) if name.lower() not in KEY_IGNORES_VARY)
    if vary != lookup.vary:  # first sight of this URL's Vary: key and ETag include it
        page_store().set(lookup.vary_key, list(vary), None)
        _remember_vary(lookup.base, vary)
        lookup.vary = vary
        lookup.locate(request)
    lookup.validators(response)
    if request.method == "GET":
        response["X-Page-Cache"] = "miss"
        if response.streaming:
            response.streaming_content = _streamed(lookup, response, response.streaming_content)
        else:
            _store(lookup, _entry(lookup, response, response.content))
    return get_conditional_response(
        request, etag=lookup.etag, last_modified=int(lookup.started), response=response
    )


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
        return response
