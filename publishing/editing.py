"""No lost update at the editors' desk: a change form remembers the version of the item it
was opened at, and a save from a form opened before someone else saved is refused.

The version is the item's latest revision (django-simple-history writes one for every save,
whatever the way in: the admin, an import, a restore), and that of the related rows edited
on the same page (a meeting's attendances), so no field of our own is needed and the refusal
can say who saved and when. The form comes back (HTTP 200) with everything this editor
typed and the fields where it differs from the version now saved; saving again replaces
that version knowingly.

An advisory edit lock warns before it comes to that: opening an item's change form tells
the next editor who opened it ("Being edited by pat since 10:02"). It lives in the cache
every process shares and expires by itself (`EDIT_LOCK_SECONDS` after the last opening), or
when its holder saves.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list

VERSION_FIELD = "loaded_version"
EDIT_LOCK_SECONDS = 15 * 60


def latest_revision(history_queryset) -> dict | None:
    """The newest revision in `history_queryset`: its id, who made it and when."""
    return (
        history_queryset.order_by("-history_id")
        .values("history_id", "history_date", "history_user__username")
        .first()
    )


class LostUpdateGuardMixin:
    """For a ModelAdmin of a model with history: refuse saves from stale change forms.

    `versioned_related` names reverse relations (a meeting's "attendances") whose revisions
    count as changes of the item, for the rows an inline edits on the same page."""

    versioned_related: tuple[str, ...] = ()
    change_form_template = "admin/guarded_change_form.html"  # renders the hidden version

    def revisions_of(self, obj) -> list[dict]:
        """The latest revision of the item and of each versioned relation (a query each)."""
        revisions = [latest_revision(type(obj).history.filter(id=obj.pk))]
        for name in self.versioned_related:
            relation = obj._meta.get_field(name)
            history = relation.related_model.history
            revisions.append(latest_revision(history.filter(**{relation.field.attname: obj.pk})))
        return [revision for revision in revisions if revision]

    def version_of(self, obj) -> str:
        return ":".join(str(revision["history_id"]) for revision in self.revisions_of(obj))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and object_id:
            self.note_editor(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def response_change(self, request, obj):
        release_edit_lock(request, self.opts, obj.pk)
        return super().response_change(request, obj)

    def note_editor(self, request, object_id) -> None:
        """Take the edit lock of the item, or warn that someone else holds it."""
        held = take_edit_lock(request, self.opts, object_id)
        if held is not None:
            since = date_format(timezone.localtime(held["since"]), "H:i")
            messages.warning(
                request,
                f"Being edited by {held['name']} since {since} (Hong Kong time). If they save "
                "first, your save will be refused and what you typed kept, to compare.",
            )

    def get_fields(self, request, obj=None):
        # The hidden version is rendered by the change form's template (form_top), not as a
        # field of the fieldsets.
        return [name for name in super().get_fields(request, obj) if name != VERSION_FIELD]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or obj.pk is None:
            return form_class
        return guarded_form(form_class, self, obj)


def _lock_key(opts, object_id) -> str:
    return f"edit-lock:{opts.label_lower}:{object_id}"


def _locks():
    return caches[settings.EDIT_LOCK_CACHE_ALIAS]


def take_edit_lock(request, opts, object_id) -> dict | None:
    """Hold the item's edit lock for this user; or the lock someone else holds."""
    key = _lock_key(opts, object_id)
    held = _locks().get(key)
    if held and held["user_id"] != request.user.pk:
        return held
    since = held["since"] if held else timezone.now()
    lock = {"user_id": request.user.pk, "name": request.user.get_username(), "since": since}
    _locks().set(key, lock, EDIT_LOCK_SECONDS)
    return None


def release_edit_lock(request, opts, object_id) -> None:
    key = _lock_key(opts, object_id)
    held = _locks().get(key)
    if held and held["user_id"] == request.user.pk:
        _locks().delete(key)


def guarded_form(form_class, model_admin: LostUpdateGuardMixin, obj):
    """`form_class` with a hidden field holding the version the form was opened at."""

    class GuardedForm(form_class):
        loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if not self.is_bound:
                self.initial[VERSION_FIELD] = model_admin.version_of(obj)

        def clean(self):
            cleaned = super().clean()
            loaded = cleaned.get(VERSION_FIELD, "")
            if not loaded:  # a form that never had the field (an earlier version's page)
                return cleaned
            # The row locked until the save commits (the admin saves in one transaction), so
            # that two saves at the same moment cannot both pass this check.
            type(obj)._default_manager.select_for_update().filter(pk=obj.pk).exists()
            current = model_admin.version_of(obj)
            if loaded != current:
                self.data = self.data.copy()  # saving again then replaces it knowingly
                self.data[self.add_prefix(VERSION_FIELD)] = current
                raise ValidationError(stale_message(self, model_admin.revisions_of(obj)))
            return cleaned

    GuardedForm.__name__ = GuardedForm.__qualname__ = f"Guarded{form_class.__name__}"
    return GuardedForm


def stale_message(form, revisions: list[dict]) -> str:
    newest = max(revisions, key=lambda revision: revision["history_date"])
    who = newest["history_user__username"] or "an import or another program"
    when = date_format(timezone.localtime(newest["history_date"]), "j M Y, H:i")
    opts = form._meta.model._meta
    differs = [
        str(form.fields[name].label or name).lower()
        for name in form.changed_data
        if name != VERSION_FIELD
    ]
    where = (
        f" Your form differs from it in: {get_text_list(differs, 'and')}."
        if differs
        else " Your form holds no field that differs from it."
    )
    return (
        f"{who} saved this {opts.verbose_name} at {when} (Hong Kong time), after you opened "
        f"it. Nothing of yours was saved: what you typed is still in the form below.{where} "
        "Save again to replace their version with yours, or open the page again to start "
        "from theirs."
    )
