"""The cache backends the site's configuration names (hsitp_site/cache_config.py).

`FragmentCache`, the `fragments` cache: Django's local-memory cache without its check of
each key for memcached.

`ResilientRedisCache`: Django's Redis cache, made to step aside when Redis goes away
(README, "Deploying on several servers").

Django's own backend raises on every call while Redis is unreachable, so a reader would
get a 500 and an editor could not save. This one logs the failure and answers as an empty
cache would: a read finds nothing (the page is rendered, not served), a write is dropped
(the page is not stored), `add` takes nothing. It also remembers, in this process, that the
cache failed: the content version (pagecache/version.py) is then replaced as soon as Redis
answers again, so that no page cached before the outage is served after it, whatever was
edited meanwhile.

Not django-redis's IGNORE_EXCEPTIONS: that hides the failure from us too, and an outage has
to be known to be ended well. Connections time out quickly (OPTIONS in
hsitp_site/cache_config.py), so a Redis that does not answer costs a request little.
"""

from __future__ import annotations

import functools
import logging
import threading

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class FragmentCache(LocMemCache):
    """The `fragments` cache: LocMemCache without the check of every key against
    memcached's limits (made so that keys carry over to memcached). These keys never leave
    the process and are short ASCII: render_each's (pagecache/fragments.py: a name and hex
    digests) and the `{% cache %}` tag's (Django's make_template_fragment_key: a name, md5);
    the check read each of their characters on every lookup, 139 lookups on the timeline:
    about 0.5 of its 18 ms at 10,000 milestones on SQLite."""

    def validate_key(self, key):
        """Nothing to check: see the class's docstring."""


_outage = threading.Event()  # set: the cache failed since the version was last replaced


def outage_seen() -> bool:
    """Has a shared cache failed in this process since `outage_handled()`?"""
    return _outage.is_set()


def outage_handled() -> None:
    _outage.clear()


# What each operation answers while Redis is away: what an empty cache would.
_EMPTY = {
    "get": lambda *args, **kwargs: kwargs.get("default", args[1] if len(args) > 1 else None),
    "get_many": lambda *args, **kwargs: {},
    "has_key": lambda *args, **kwargs: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda *args, **kwargs: list(args[0]) if args else [],
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda *args, **kwargs: False,
}


def _stepping_aside(name: str):
    method = getattr(RedisCache, name)
    empty = _EMPTY[name]

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except UNREACHABLE as error:
            if not _outage.is_set():
                logger.warning("The shared cache is unreachable (%s): serving without it", error)
            _outage.set()
            return empty(*args, **kwargs)

    return wrapper


class ResilientRedisCache(RedisCache):
    """RedisCache whose reads miss and writes are dropped while Redis is unreachable."""


for _name in _EMPTY:
    setattr(ResilientRedisCache, _name, _stepping_aside(_name))
