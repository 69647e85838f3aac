"""Every write to what the public reads invalidates the page cache: the model signals call
`invalidate()` (and do nothing else; they are not domain logic). Writes that send no
signals (the importers' bulk_create, generate_history) call it themselves."""

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save

from pagecache.version import invalidate

_watched: dict[type, bool] = {}


def is_public_model(model) -> bool:
    """Whether writes to `model` can change what the public sees."""
    if model not in _watched:
        opts = getattr(model, "_meta", None)
        _watched[model] = bool(
            opts is not None
            and opts.app_label in settings.CONTENT_APPS
            and not opts.model_name.startswith("historical")
        )
    return _watched[model]


def _content_changed(sender, using=None, **kwargs) -> None:
    if is_public_model(sender):
        invalidate(using)


def connect() -> None:
    """Called once, from PageCacheConfig.ready(): writes invalidate the page cache."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_content_changed, dispatch_uid=f"hsitp_page_cache_{id(signal)}")
