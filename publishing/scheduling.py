"""Scheduled changes, with no job: a publisher schedules an item's pending change for a
moment (publishing/pending.py), and the first request after that moment publishes it before
it is answered (`ScheduledChangesMiddleware`, above the page cache), so no reader, and no
cached page, sees the old version after it.

Publishing it replays the change through the item's admin form, inlines included, as the
publisher who scheduled it: the same checks as their own Publish, a revision in their name
("Published as scheduled"), and an entry in the admin's log. If the change can no longer be
published (someone changed the live item since, a person it names is gone, the publisher
lost the right), it is not: it waits again, unscheduled, with the reason on its form.

So that a request need not ask the database whether anything is due, every process reads
the next moment from the cache they all share (settings.EDIT_LOCK_CACHE_ALIAS), which is
written after every change to a pending change commits. When that cache has lost it, the
first request asks the database once and keeps the answer.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from publishing.models import PendingChange

logger = logging.getLogger(__name__)

NOTHING = "nothing"  # cached: no change is scheduled
REMEMBER_SECONDS = 5 * 60  # then one query, for the whole site, to ask again
RUN_LOCK_SECONDS = 60  # one process publishes at a time


def _key() -> str:
    # The database's name too: two sites run from one checkout share the cache's folder.
    return f"next-scheduled-change:{settings.DATABASES['default']['NAME']}"


def _store():
    return caches[settings.EDIT_LOCK_CACHE_ALIAS]


def _first_moment():
    """The earliest scheduled moment, as a Unix time, or NOTHING (one query)."""
    moment = (
        PendingChange.objects.filter(publish_at__isnull=False)
        .order_by("publish_at")
        .values_list("publish_at", flat=True)
        .first()
    )
    return moment.timestamp() if moment else NOTHING


def next_moment() -> float | None:
    """When the next scheduled change is due (a Unix time), or None."""
    moment = _store().get(_key())
    if moment is None:
        moment = _first_moment()
        _store().add(_key(), moment, timeout=REMEMBER_SECONDS)  # add: never over a newer one
    return None if moment == NOTHING else moment


def remember(moment: float | str) -> None:
    """Tell every process when the next change is due (a Unix time, or NOTHING). For a few
    minutes only: should two processes' answers cross, the database is asked again soon."""
    _store().set(_key(), moment, timeout=REMEMBER_SECONDS)


def _remember_next_moment() -> None:
    remember(_first_moment())


def schedule_changed(sender=None, using=None, **kwargs) -> None:
    """A pending change was saved or deleted: the next moment again, once it commits."""
    transaction.on_commit(_remember_next_moment, using=using)


def connect() -> None:
    """Called once, from PublishingConfig.ready(). The signals keep the next moment in the
    shared cache, and do nothing else."""
    for signal in (post_save, post_delete):
        signal.connect(
            schedule_changed, sender=PendingChange, dispatch_uid=f"hsitp_schedule_{id(signal)}"
        )


def publish_due_changes(now=None) -> int:
    """Publish every scheduled change whose moment has come; how many were published.

    One process at a time (a short lock in the shared cache): the others serve their
    readers meanwhile instead of queueing behind it. Each change is published in a
    transaction of its own, all of it or nothing; one that fails waits, unscheduled, with
    the reason on its form, and never stops the others or a reader's page."""
    if not _store().add(_key() + ":running", 1, RUN_LOCK_SECONDS):
        return 0
    now = now or timezone.now()
    published = 0
    try:
        due = PendingChange.objects.due(now).values_list("pk", "content_type_id", "object_id")
        for pending_id, content_type_id, object_id in due:
            try:
                problem = _publish_one(pending_id, content_type_id, object_id, now)
            except Exception as error:  # noqa: BLE001 - whatever it is, the change waits
                logger.exception("Publishing the scheduled change %s failed", pending_id)
                problem = f"it could not be saved ({type(error).__name__}: {error})"
            if problem:
                logger.warning("Scheduled change %s not published: %s", pending_id, problem)
                PendingChange.objects.filter(pk=pending_id).update(
                    publish_at=None, schedule_error=problem
                )
            elif problem is not None:
                published += 1
    finally:
        _remember_next_moment()  # whatever happened: a past moment is not asked about again
        _store().delete(_key() + ":running")
    return published


def _publish_one(pending_id, content_type_id, object_id, now) -> str | None:
    """Publish one due change: "" when done, the reason when not, None when another process
    got there first."""
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    if model is None or not admin.site.is_registered(model):
        return "this kind of item is no longer edited at the desk"
    with transaction.atomic():
        # The item's row first, then the change's, as an editor's save takes them.
        list(model._default_manager.select_for_update().filter(pk=object_id).values("pk"))
        pending = (
            PendingChange.objects.select_for_update(of=("self",))
            .select_related("scheduled_by")
            .filter(pk=pending_id, publish_at__lte=now)
            .first()
        )
        if pending is None:
            return None
        problem = admin.site.get_model_admin(model).publish_scheduled(pending)
        if problem:
            transaction.set_rollback(True)  # nothing of it is saved
        return problem


class ScheduledChangesMiddleware:
    """Publishes the scheduled changes that are due, before the request is answered (one
    read of the shared cache per request; nothing else until something is due)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        moment = next_moment()
        if moment is not None and moment <= time.time():
            try:
                publish_due_changes()
            except DatabaseError:  # the reader still gets the page; a later request retries
                logger.exception("Publishing the scheduled changes failed")
        return self.get_response(request)
