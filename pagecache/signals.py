"""Every write to what the public reads invalidates the page cache: the model signals call
`invalidate()` with the table written (and do nothing else; they are not domain logic), so
only the pages that read that table are dropped. Writes that send no signals (the
importers' bulk_create, generate_history) call it themselves, for every page."""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from pagecache.version import invalidate, is_public_model
from publishing.models import PublicationState

_watched: dict[type, bool] = {}


def _is_watched(model) -> bool:
    if model not in _watched:
        _watched[model] = is_public_model(model)
    return _watched[model]


def written_tables(model, deleted: bool = False) -> set[str]:
    """The tables a save of `model` writes; for a delete, also the tables of the models that
    refer to it, whose rows the database updates without a signal (SET_NULL)."""
    tables = {model._meta.db_table}
    if deleted:
        tables |= {
            field.related_model._meta.db_table
            for field in model._meta.get_fields(include_hidden=True)
            if field.auto_created and not field.concrete and field.related_model is not None
        }
    return tables


def out_of_public_view(instance, created: bool = False) -> bool:
    """Whether a write of `instance` leaves every public page as it was: a publishable row
    (a milestone, a meeting) that is not published now and was not in the database before
    the write (a draft, one in review, before and after; `_note_published` reads that
    before the write, not from the instance, which another editor may have outdated).
    Public pages read published rows only, and a scheduled row is published for a moment,
    so it counts (`next_publication`)."""
    if not _unpublished(instance):
        return False
    return created or getattr(instance, "_published_before_write", True) is False


def _unpublished(instance) -> bool:
    """A publishable row (it has a state) that is not published."""
    state = getattr(instance, "state", None)
    return state is not None and state != PublicationState.PUBLISHED


def _note_published(sender, instance=None, raw=False, **kwargs) -> None:
    """Before a write of an unpublished row: whether the database has it published (one
    small query, for drafts only)."""
    if not _is_watched(sender) or not _unpublished(instance):
        return
    if instance.pk is None:
        instance._published_before_write = False
        return
    stored = sender._base_manager.filter(pk=instance.pk, state=PublicationState.PUBLISHED)
    instance._published_before_write = stored.exists()


def _saved(sender, instance=None, created=False, using=None, **kwargs) -> None:
    if _is_watched(sender) and not out_of_public_view(instance, created):
        invalidate(using, tables=written_tables(sender))


def _deleted(sender, instance=None, using=None, **kwargs) -> None:
    if _is_watched(sender) and not out_of_public_view(instance):
        invalidate(using, tables=written_tables(sender, deleted=True))


def _related_changed(sender, using=None, action="", **kwargs) -> None:
    """A many-to-many change writes the table between (`sender`, the through model)."""
    if action.startswith("post_") and _is_watched(sender):
        invalidate(using, tables=written_tables(sender))


def connect() -> None:
    """Called once, from PageCacheConfig.ready(): writes invalidate the page cache."""
    pre_save.connect(_note_published, dispatch_uid="hsitp_page_cache_before_save")
    pre_delete.connect(_note_published, dispatch_uid="hsitp_page_cache_before_delete")
    post_save.connect(_saved, dispatch_uid="hsitp_page_cache_saved")
    post_delete.connect(_deleted, dispatch_uid="hsitp_page_cache_deleted")
    m2m_changed.connect(_related_changed, dispatch_uid="hsitp_page_cache_related")
