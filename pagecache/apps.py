from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The page cache for anonymous readers (README.md, "Caching")."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache import signals

        signals.connect()  # writes to public content invalidate the page cache
