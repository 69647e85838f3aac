"""Changes to published history wait for review: the admin side of `PendingChange`.

Saving the change form of a live item (published, or scheduled) does not touch its row: the
form, as the browser sent it, inlines included, becomes the item's pending change, and the
public site goes on reading the live row. Opening the item again shows the pending change
(the form and its inlines bound to it), with who made it and since when. A publisher
*Publishes* it (the submit button `_publish`: the form is saved as any save is, and the
pending change goes), or *Discards* it (`_discard`); an editor *Submits it for review*
(`_submit_review`). *Compare with live* shows every field that differs, word by word.
Drafts and items in review are edited in place, as before: nothing of them is public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from simple_history.models import HistoricalRecords

from publishing.editing import VERSION_FIELD, release_edit_lock
from publishing.history import short_hong_kong_time, word_diff
from publishing.models import PendingChange

PUBLISH, DISCARD, SUBMIT = "_publish", "_discard", "_submit_review"
SCHEDULE, SCHEDULE_AT = "_schedule", "_schedule_at"  # the button, and its time (Hong Kong)
# What a browser sends that is not the item's content.
NOT_CONTENT = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", VERSION_FIELD}
NOT_CONTENT |= {PUBLISH, DISCARD, SUBMIT, SCHEDULE, SCHEDULE_AT}
SCHEDULED_REASON = "Published as scheduled"


def schedule_time(value: str, now) -> tuple[datetime | None, str]:
    """The moment a publisher typed (`datetime-local`, Hong Kong time), or why it is not
    one: (moment, "") or (None, problem)."""
    try:
        moment = datetime.fromisoformat((value or "").strip())
    except ValueError:
        return None, "give the date and time to publish it at, e.g. 2027-03-01 10:00"
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment <= now:
        return None, "that time has passed: to publish it now, use “Publish”"
    return moment, ""


def same_text(live, new) -> bool:
    """Two texts that differ only in their line endings (or ends' spaces) are the same."""
    if not (isinstance(live, str) and isinstance(new, str)):
        return False
    return live.replace("\r\n", "\n").strip() == new.replace("\r\n", "\n").strip()


def formsets_errors(formsets) -> list[dict]:
    """The inline forms' errors, as dicts of field -> messages ("__all__" for the form's)."""
    found = []
    for formset in formsets:
        if formset.non_form_errors():
            found.append({formset.prefix: formset.non_form_errors()})
        found += [errors for errors in formset.errors if errors]
    return found


def pending_q(model, **which) -> Q:
    """Items of `model` that have a pending change (a subquery); `which` narrows the
    changes (submitted=True, publish_at__isnull=False)."""
    return Q(pk__in=PendingChange.objects.of_model(model).filter(**which).values("object_id"))


SUBMITTED = {"submitted": True}
SCHEDULED = {"publish_at__isnull": False}


def has_formset(pending: PendingChange, prefix: str) -> bool:
    """Whether the pending change holds the inline `prefix` (a restore holds none)."""
    return f"{prefix}-TOTAL_FORMS" in pending.data


@dataclass(frozen=True)
class Difference:
    label: str
    live: str
    pending: str
    diff: str | None = None  # for text: the pending text, words out and in marked


class PendingChangeAdminMixin:
    """For ReviewedAdmin: edits of live items become pending changes (module docstring)."""

    def is_live(self, obj) -> bool:
        """Whether the public reads `obj` (then edits of it wait as a pending change)."""
        raise NotImplementedError

    def pending_change_of(self, obj) -> PendingChange | None:
        return PendingChange.objects.of(obj).select_related("author", "scheduled_by").first()

    def live_version(self, obj) -> str:
        """The live item's version (its revisions only, not its pending change's)."""
        return ":".join(str(revision["history_id"]) for revision in super().revisions_of(obj))

    def revisions_of(self, obj) -> list[dict]:
        """A save of the pending change is a version too (no lost update between two
        editors' pending changes)."""
        revisions = super().revisions_of(obj)
        pending = self.pending_change_of(obj)
        if pending is not None:
            revisions.append(
                {
                    "history_id": f"p{pending.updated_at.timestamp()}",
                    "history_date": pending.updated_at,
                    "history_user__username": pending.author.get_username()
                    if pending.author
                    else "",
                }
            )
        return revisions

    # --- The change form ------------------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id)) if object_id else None
        if obj is None or not self.is_live(obj):
            return super().changeform_view(request, object_id, form_url, extra_context)
        pending = self.pending_change_of(obj)
        request.pending_change = pending
        if request.method == "POST":
            if DISCARD in request.POST:
                return self.discard(request, obj, pending)
            publishing = PUBLISH in request.POST or SCHEDULE in request.POST
            if publishing and not self.has_publish_permission(request, obj):
                # Not published, and not lost either: kept as the pending change.
                request.refused_publication = True
                request.hold_as_pending = True
            else:
                request.hold_as_pending = PUBLISH not in request.POST
                if SCHEDULE in request.POST:
                    moment = schedule_time(request.POST.get(SCHEDULE_AT), timezone.now())
                    request.schedule = moment
        extra_context = {**(extra_context or {}), **self.pending_context(request, obj, pending)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def pending_context(self, request, obj, pending) -> dict:
        opts = self.opts
        compare = reverse(f"admin:{opts.app_label}_{opts.model_name}_compare", args=[obj.pk])
        return {
            "live_item": True,
            "pending": pending,
            "pending_since": (short_hong_kong_time(pending.created_at) if pending else ""),
            "compare_url": compare,
            "can_publish": self.has_publish_permission(request, obj),
            "scheduled_for": short_hong_kong_time(pending.publish_at)
            if pending and pending.publish_at
            else "",
            "live_changed_since": bool(
                pending and pending.live_version and pending.live_version != self.live_version(obj)
            ),
            "schedule_value": (
                timezone.localtime(pending.publish_at).strftime("%Y-%m-%dT%H:%M")
                if pending and pending.publish_at
                else ""
            ),
        }

    def get_object(self, request, object_id, from_field=None):
        """On opening a live item with a pending change, the item as the change has it."""
        obj = super().get_object(request, object_id, from_field)
        pending = getattr(request, "pending_change", None)
        if obj is not None and pending is not None and request.method == "GET":
            form = pending.bound_form(self.get_form(request, obj, change=True), obj)
            form.is_valid()  # applies the valid fields to `obj`, in memory only
        return obj

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        pending = getattr(request, "pending_change", None)
        if pending is not None and request.method == "GET" and has_formset(pending, prefix):
            kwargs["data"] = pending.form_data()  # the inlines as the change has them
        return kwargs

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version of a live item: a pending change too, unless a
        publisher restores and publishes (`_publish`)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.is_live(obj):
            return super().history_form_view(request, object_id, version_id, extra_context)
        can_publish = self.has_publish_permission(request, obj)
        extra_context = {**(extra_context or {}), "live_item": True, "can_publish": can_publish}
        publish = request.method == "POST" and PUBLISH in request.POST and can_publish
        request.hold_as_pending = request.method == "POST" and not publish
        return super().history_form_view(request, object_id, version_id, extra_context)

    # --- Holding a save as the pending change ---------------------------------------------

    def save_model(self, request, obj, form, change):
        if getattr(request, "hold_as_pending", False):
            data = {name: request.POST.getlist(name) for name in request.POST}
            content = {name: values for name, values in data.items() if name not in NOT_CONTENT}
            content[PendingChange.FIELDS_KEY] = list(form.fields)
            content[PendingChange.LIVE_VERSION_KEY] = self.live_version(obj)
            moment, _problem = getattr(request, "schedule", (None, ""))
            earlier = getattr(request, "pending_change", None)
            PendingChange.objects.update_or_create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                defaults={
                    "data": content,
                    # Once submitted for review, it stays so however often it is saved.
                    "submitted": SUBMIT in request.POST or bool(earlier and earlier.submitted),
                    # Saved again, it is another change: a schedule is for the one scheduled.
                    "publish_at": moment,
                    "scheduled_by": request.user if moment else None,
                    "schedule_error": "",
                },
                create_defaults={
                    "data": content,
                    "author": request.user,  # who began it (the history has every save)
                    "submitted": SUBMIT in request.POST,
                    "publish_at": moment,
                    "scheduled_by": request.user if moment else None,
                },
            )
            return
        super().save_model(request, obj, form, change)
        if PUBLISH in request.POST:  # published (or restored and published): the pending
            PendingChange.objects.of(obj).delete()  # change goes, in the same transaction

    def save_related(self, request, form, formsets, change):
        if getattr(request, "hold_as_pending", False):
            return
        super().save_related(request, form, formsets, change)

    def construct_change_message(self, request, form, formsets, add=False):
        if getattr(request, "hold_as_pending", False):
            return []  # nothing was saved (the formsets were not either)
        return super().construct_change_message(request, form, formsets, add)

    def log_change(self, request, obj, message):
        if not getattr(request, "hold_as_pending", False):
            return super().log_change(request, obj, message)
        return None

    def response_change(self, request, obj):
        published = PUBLISH in request.POST and IS_POPUP_VAR not in request.POST
        if not getattr(request, "hold_as_pending", False) and published:
            release_edit_lock(request, self.opts, obj.pk)
            self.message_user(
                request,
                f"“{obj}” is published: readers see this version now.",
                messages.SUCCESS,
            )
            return self.response_post_save_change(request, obj)
        if not getattr(request, "hold_as_pending", False):
            return super().response_change(request, obj)
        release_edit_lock(request, self.opts, obj.pk)
        moment, problem = getattr(request, "schedule", (None, ""))
        earlier = getattr(request, "pending_change", None)
        if moment:
            self.message_user(
                request,
                f"Your change to “{obj}” is scheduled: it goes live on "
                f"{short_hong_kong_time(moment)} (Hong Kong time). Until then the public site "
                "shows the live version; saving the change again cancels the schedule.",
                messages.SUCCESS,
            )
        else:
            review = " and submitted for review" if SUBMIT in request.POST else ""
            self.message_user(
                request,
                format_html(
                    "Your change to “{}” is saved as a pending change{}: the public site shows "
                    "the live version until a publisher publishes it.",
                    obj,
                    review,
                ),
                messages.SUCCESS,
            )
        if getattr(request, "refused_publication", False):
            self.message_user(
                request,
                "Only a publisher can publish or schedule a change, so it is not published: "
                "use “Submit for review”, and a publisher will publish it.",
                messages.ERROR,
            )
        if problem:
            self.message_user(request, f"Not scheduled: {problem}.", messages.ERROR)
        if not moment and earlier is not None and earlier.publish_at:
            self.message_user(
                request,
                f"Its schedule (for {short_hong_kong_time(earlier.publish_at)}) is cancelled, "
                "since the change is another now: a publisher schedules it again.",
                messages.WARNING,
            )
        # As Django's own Save: back to the list (the form again, and its edit lock, only to
        # go on editing, or to give the schedule another time).
        opts = self.opts
        if IS_POPUP_VAR in request.POST:  # a related item's popup closes, as after any save
            return super().response_change(request, obj)
        if "_continue" in request.POST or problem:
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", obj.pk)
        return self.response_post_save_change(request, obj)  # the list, with its filters

    def discard(self, request, obj, pending):
        if pending is None:
            self.message_user(request, "There is no pending change to discard.", messages.INFO)
        elif not (self.has_publish_permission(request, obj) or pending.author == request.user):
            self.message_user(
                request,
                "Only its author or a publisher can discard this pending change.",
                messages.ERROR,
            )
        else:
            pending.delete()
            self.message_user(
                request,
                f"The pending change of “{obj}” is discarded; the live version is unchanged.",
                messages.SUCCESS,
            )
        return redirect(request.path)

    # --- Publishing a scheduled change (publishing/scheduling.py) ------------------------

    def pending_formsets(self, request, obj, pending) -> list:
        """The inlines' formsets bound to the pending change (a restore holds none)."""
        formsets = []
        for inline in self.get_inline_instances(request, obj):
            formset_class = inline.get_formset(request, obj)
            prefix = formset_class.get_default_prefix()
            if has_formset(pending, prefix):
                formsets.append(
                    formset_class(
                        pending.form_data(),
                        MultiValueDict(),
                        instance=obj,
                        prefix=prefix,
                        queryset=inline.get_queryset(request),
                    )
                )
        return formsets

    def publish_scheduled(self, pending) -> str:
        """Publish a scheduled change as its publisher's own Publish would have, in the
        caller's transaction: "" when done, else why it was not (and nothing is saved)."""
        obj = self.model._default_manager.filter(pk=pending.object_id).first()
        if obj is None:
            pending.delete()  # the item is gone, and its change with it
            return ""
        publisher = pending.scheduled_by
        if publisher is None or not publisher.is_active:
            return "the publisher who scheduled it has no account now: schedule it again"
        if pending.live_version != self.live_version(obj):
            return (
                "the live version changed after it was saved: compare it with the live "
                "version, save it again, then publish or schedule it"
            )
        request = HttpRequest()
        request.method, request.user = "POST", publisher
        request.POST, request.FILES = pending.form_data(), MultiValueDict()
        form = pending.bound_form(self.get_form(request, obj, change=True), obj)
        formsets = self.pending_formsets(request, obj, pending)
        if not (form.is_valid() and all(formset.is_valid() for formset in formsets)):
            labels = {name: str(field.label or name) for name, field in form.fields.items()}
            labels["__all__"] = "The form"
            found = "; ".join(
                f"{labels.get(name, name)}: {' '.join(messages_)}"
                for errors_ in [form.errors, *formsets_errors(formsets)]
                for name, messages_ in errors_.items()
            )
            return (
                f"it does not pass the form's checks now ({found}): open it, correct it, "
                "then publish or schedule it"
            )
        if not self.has_publish_permission(request, obj):
            return (
                f"{publisher.get_username()} may no longer publish: a publisher schedules it again"
            )
        # Revisions in the publisher's name, inline rows' too (their history reads the request).
        previous = getattr(HistoricalRecords.context, "request", None)
        HistoricalRecords.context.request = request
        try:
            obj = self.save_form(request, form, change=True)
            obj._change_reason = SCHEDULED_REASON
            self.save_model(request, obj, form, change=True)
            self.save_related(request, form, formsets, change=True)
            message = self.construct_change_message(request, form, formsets)
            self.log_change(request, obj, message or SCHEDULED_REASON)
        finally:
            HistoricalRecords.context.request = previous
        pending.delete()
        return ""

    # --- Compare with live ----------------------------------------------------------------

    def get_urls(self):
        opts = self.opts
        compare = path(
            "<path:object_id>/compare/",
            self.admin_site.admin_view(self.compare_view),
            name=f"{opts.app_label}_{opts.model_name}_compare",
        )
        return [compare, *super().get_urls()]

    def differences(self, request, obj, pending) -> list[Difference]:
        """Every field, inlines included, where the pending change differs from the live."""
        form = pending.bound_form(self.get_form(request, obj, change=True), obj)
        found = []
        for name in form.changed_data:
            if name == VERSION_FIELD:
                continue
            field = form.fields[name]
            live, new = form[name].initial, form.data.get(name, "")
            if same_text(live, new):  # a browser sends a text area's lines ending CRLF
                continue
            found.append(self._difference(str(field.label or name), field, live, new, form, name))
        for formset in self.pending_formsets(request, obj, pending):
            for number, inline_form in enumerate(formset.forms, start=1):
                if not inline_form.has_changed():
                    continue
                title = f"{formset.model._meta.verbose_name.capitalize()} {number}"
                if inline_form.instance.pk is None:
                    found.append(Difference(title, "—", "added"))
                    continue
                deleting = inline_form.data.get(inline_form.add_prefix("DELETE"))
                if deleting:
                    found.append(Difference(title, str(inline_form.instance), "deleted"))
                    continue
                for name in inline_form.changed_data:
                    field = inline_form.fields[name]
                    sent = inline_form.data.get(inline_form.add_prefix(name), "")
                    if same_text(inline_form[name].initial, sent):
                        continue
                    found.append(
                        self._difference(
                            f"{title}: {field.label or name}",
                            field,
                            inline_form[name].initial,
                            inline_form.data.get(inline_form.add_prefix(name), ""),
                            inline_form,
                            name,
                        )
                    )
        return found

    @staticmethod
    def _difference(label, field, live, new, form, name) -> Difference:
        def shown(value):
            if hasattr(field, "queryset") and value not in (None, ""):
                chosen = field.queryset.filter(pk=value).first()
                return str(chosen) if chosen else str(value)
            if hasattr(field, "choices") and not hasattr(field, "queryset"):
                return str(dict(field.choices).get(value, value)) if value != "" else "—"
            return str(value) if value not in (None, "") else "—"

        live_text, new_text = shown(live), shown(new)
        diff = None
        if isinstance(live, str) and isinstance(new, str) and len(live) + len(new) > 60:
            diff = word_diff(live, new)
        return Difference(label, live_text, new_text, diff)

    def compare_view(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        pending = self.pending_change_of(obj)
        if pending is None:
            self.message_user(request, "There is no pending change to compare.", messages.INFO)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", obj.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Compare the pending change with the live {self.opts.verbose_name}",
            "object": obj,
            "pending": pending,
            "differences": self.differences(request, obj, pending),
        }
        return TemplateResponse(request, "admin/compare_pending.html", context)
