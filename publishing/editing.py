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

from dataclasses import dataclass, field

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list

from publishing.history import short_hong_kong_time

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
    # The database's name too: two sites run from one checkout share the cache's folder.
    database = settings.DATABASES["default"]["NAME"]
    return f"edit-lock:{database}:{opts.label_lower}:{object_id}"


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
                self.data = self.data.copy()  # saving again then saves the form as it is
                self.data[self.add_prefix(VERSION_FIELD)] = current
                merge = merge_stale(self, obj, loaded, current)
                raise ValidationError(stale_message(self, model_admin.revisions_of(obj), merge))
            return cleaned

    GuardedForm.__name__ = GuardedForm.__qualname__ = f"Guarded{form_class.__name__}"
    return GuardedForm


@dataclass
class StaleMerge:
    """A stale form against the version it was opened at (the base) and the one saved since
    (theirs): what each side changed. Fields only they changed are put back in the form as
    they saved them, so that saving again cannot undo their work."""

    theirs: list[str] = field(default_factory=list)  # labels: only they changed it (kept)
    yours: list[str] = field(default_factory=list)  # only you did (your value stays)
    both: list[str] = field(default_factory=list)  # you both did: yours stays, theirs shown
    related_changed: bool = False  # rows edited on the same page (attendances) changed too


def _same(a, b) -> bool:
    """Equal, ignoring the CRLF line ends browsers send from text areas."""
    if isinstance(a, str) and isinstance(b, str):
        return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")
    return a == b


def merge_stale(form, obj, loaded: str, current: str) -> StaleMerge | None:
    first = loaded.split(":")[0]
    base = type(obj).history.filter(history_id=first).first() if first.isdigit() else None
    if base is None:
        return None
    merge = StaleMerge(related_changed=loaded.split(":")[1:] != current.split(":")[1:])
    model_fields = {f.name: f for f in obj._meta.concrete_fields}
    for name, form_field in form.fields.items():
        model_field = model_fields.get(name)
        if model_field is None or form_field.disabled:
            continue
        base_value = model_field.value_from_object(base.instance)
        theirs = model_field.value_from_object(obj)
        typed = form[name].data
        if isinstance(typed, str):
            typed = typed.replace("\r\n", "\n")
        you = form_field.has_changed(base_value, typed)
        they = not _same(base_value, theirs)
        label = str(form_field.label or name).lower()
        if they and not you and _keep_theirs(form, name, form_field, theirs):
            merge.theirs.append(label)
        elif they and you and not form_field.has_changed(theirs, typed):
            continue  # the same change, made twice
        elif they and you:
            merge.both.append(f"{label} (theirs: “{_short(form_field, theirs)}”)")
        elif you:
            merge.yours.append(label)
    return merge


def _keep_theirs(form, name, form_field, value) -> bool:
    """Put their value of `name` in the form's data; False where it cannot be (a split
    date and time)."""
    key = form.add_prefix(name)
    widget = form_field.widget
    if isinstance(widget, forms.MultiWidget):
        return False
    if isinstance(widget, forms.CheckboxInput):
        if value:
            form.data[key] = "on"
        else:
            form.data.pop(key, None)
        return True
    prepared = form_field.prepare_value(value)
    form.data[key] = "" if prepared is None else str(prepared)
    return True


def _short(form_field, value) -> str:
    if hasattr(form_field, "queryset") and value is not None:
        chosen = form_field.queryset.filter(pk=value).first()
        value = chosen if chosen is not None else value
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else f"{text[:77]}…"


def stale_message(form, revisions: list[dict], merge: StaleMerge | None = None) -> str:
    newest = max(revisions, key=lambda revision: revision["history_date"])
    who = newest["history_user__username"] or "an import or another program"
    when = short_hong_kong_time(newest["history_date"])
    opts = form._meta.model._meta
    head = (
        f"{who} saved this {opts.verbose_name} at {when} (Hong Kong time), after you opened "
        "it. Nothing of yours was saved."
    )
    if merge is None:
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
            f"{head} What you typed is still in the form below.{where} Save again to replace "
            "their version with yours, or open the page again to start from theirs."
        )
    parts = []
    if merge.theirs:
        parts.append(
            f"They changed {get_text_list(merge.theirs, 'and')}: kept below as they saved it."
        )
    if merge.yours:
        parts.append(f"You changed {get_text_list(merge.yours, 'and')}: still in the form.")
    if merge.both:
        parts.append(f"You both changed {get_text_list(merge.both, 'and')}: yours is in the form.")
    if merge.related_changed:
        parts.append(
            "They also changed rows edited on this page (attendances): the rows below are as "
            "you left them, so compare them with the saved ones before saving again."
        )
    if not parts:
        parts.append("Your form holds no field that differs from it.")
    return f"{head} {' '.join(parts)} Save again to save the form as it is now."
