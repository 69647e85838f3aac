"""The publishing workflow in the admin, shared by milestones and meetings (roles, states,
scheduling, bulk actions) and their list filters, defined once. The admin site itself is
publishing/sites.py."""

from functools import cache, partial

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.html import format_html

from publishing.editing import LostUpdateGuardMixin
from publishing.history import ReadableHistoryAdmin
from publishing.models import PublicationState, SlugRedirect
from publishing.pending import SCHEDULED, SUBMITTED, PendingChangeAdminMixin, pending_q


class YearListFilter(admin.SimpleListFilter):
    """Filter by the year the date starts in (one query for the choices)."""

    title = "year"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = model_admin.get_queryset(request).dates("date_start", "year", order="DESC")
        return [(str(day.year), str(day.year)) for day in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date_start__year=int(self.value()))
        return queryset


class PendingListFilter(admin.SimpleListFilter):
    """Live items with a pending change: `?status=pending` on every list that has them."""

    title = "pending change"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("pending", "With a pending change"),
            ("review", "With a change submitted for review"),
            ("scheduled", "With a change scheduled"),
        ]

    def queryset(self, request, queryset):
        which = {"pending": {}, "review": SUBMITTED, "scheduled": SCHEDULED}.get(self.value())
        if which is None:
            return queryset
        return queryset.filter(pending_q(queryset.model, **which))


class StatusListFilter(admin.SimpleListFilter):
    """Where an item stands: draft, in review, scheduled, or public."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("draft", "Draft"),
            ("review", "In review, or a change submitted for review"),
            ("scheduled", "Scheduled, or a change scheduled"),
            ("public", "Public"),
            ("pending", "Public, with a pending change"),
        ]

    def queryset(self, request, queryset):
        model = queryset.model
        if self.value() == "pending":
            return queryset.filter(pending_q(model))
        if self.value() == "review":
            return queryset.filter(in_review(model))
        if self.value() == "scheduled":
            return queryset.filter(scheduled(model))
        return {"draft": queryset.drafts, "public": queryset.published}.get(
            self.value(), queryset.all
        )()


def in_review(model) -> Q:
    """Items sent to review, and live items whose change was submitted for review."""
    return Q(state=PublicationState.REVIEW) | pending_q(model, **SUBMITTED)


def scheduled(model) -> Q:
    """Items published for a later moment, and live items with a change scheduled."""
    later = Q(state=PublicationState.PUBLISHED, published_at__gt=timezone.now())
    return later | pending_q(model, **SCHEDULED)


class EditedByListFilter(admin.SimpleListFilter):
    """Items the editor looking at the list has worked on (any revision of theirs)."""

    title = "worked on by"
    parameter_name = "editor"

    def lookups(self, request, model_admin):
        return [("me", "Me")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(edited_by(queryset.model, request.user))
        return queryset


def edited_by(model, user) -> Q:
    """Items with a revision by `user` (a subquery of the revision history)."""
    return Q(pk__in=model.history.filter(history_user_id=user.pk).values("id"))


class SlugAdminMixin:
    """Addresses readers know keep working: when a saved slug changes, the old address is
    recorded and redirects to the new one (SlugRedirect), and an editor cannot give an item
    an address that another item had. The slug field says which rule applies to the item.

    In ReviewedAdmin after PendingChangeAdminMixin: its save_model() reaches this one only
    when the row is saved (a pending change is not, until a publisher publishes it)."""

    def keeps_old_addresses(self, obj) -> bool:
        """Whether readers may have known `obj` at its stored address. People, bodies and
        series have no publication of their own (a page is public while a published meeting
        shows them, and no record says whether one ever did): every change of theirs."""
        return True

    def slug_help_text(self, obj) -> str:
        return (
            "The address of the page. A new name does not change it. If you change it, the "
            "old address redirects to the new one (links keep working); an address that "
            "another one had cannot be given."
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if "slug" not in form_class.base_fields:
            return form_class
        model = self.model
        # Read when the form is shown (once), not when a pending change is replayed through it.
        help_text = lazy(cache(partial(self.slug_help_text, obj)), str)()

        class SlugForm(form_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                if "slug" in self.fields:  # (a subclass's fields are made afresh)
                    self.fields["slug"].help_text = help_text

            def clean_slug(self):
                slug = self.cleaned_data["slug"]
                held = SlugRedirect.objects.of_model(model).filter(old_slug=slug)
                if obj is not None and obj.pk is not None:
                    held = held.exclude(object_id=obj.pk)
                moved = model._default_manager.filter(pk__in=held.values("object_id")).first()
                if moved is not None:
                    raise ValidationError(
                        f"“{slug}” was the address of “{moved}” until its slug was changed; "
                        f"links to it lead to {moved.get_absolute_url()}. Choose another."
                    )
                return slug

        SlugForm.__name__ = SlugForm.__qualname__ = form_class.__name__
        return SlugForm

    def save_model(self, request, obj, form, change):
        stored = None
        if change and obj.pk is not None:
            stored = self.model._default_manager.filter(pk=obj.pk).values_list("slug", flat=True)
            stored = stored.first()
        keep = stored is not None and self.keeps_old_addresses(obj)  # before the save
        super().save_model(request, obj, form, change)
        if stored is None or stored == obj.slug:
            return
        if keep:
            SlugRedirect.objects.record(obj, stored)
            message = (
                f"The address of “{obj}” is now {obj.get_absolute_url()}; the old one, "
                f"“{stored}”, redirects to it."
            )
        else:
            message = f"The address of “{obj}” is now {obj.get_absolute_url()}."
        self.message_user(request, message, messages.INFO, fail_silently=True)


class ReviewedAdmin(
    PendingChangeAdminMixin, SlugAdminMixin, LostUpdateGuardMixin, ReadableHistoryAdmin
):
    """Admin of anything the public reads: a readable history, no lost update, and edits of
    what is live wait for a publisher (publishing/pending.py).

    `publish_permission` ("app_label.codename") is who publishes: by default the model's own
    `publish_<model>`. Subclasses say when an item is live (`is_live`)."""

    publish_permission: str | None = None

    def has_publish_permission(self, request, obj=None) -> bool:
        opts = self.opts
        return request.user.has_perm(
            self.publish_permission or f"{opts.app_label}.publish_{opts.model_name}"
        )


class LiveWhenPublicAdmin(ReviewedAdmin):
    """Rows with no publication of their own (people, organisations, series): live once
    their model's `live()` queryset holds them, i.e. a published meeting shows them (now,
    or from its scheduled moment)."""

    def is_live(self, obj) -> bool:
        return obj.pk is not None and self.model.objects.live().filter(pk=obj.pk).exists()


class PublishableAdmin(ReviewedAdmin):
    """Admin of items with a publication of their own: states, scheduling, bulk actions.

    Editors (change permission) edit and send to review; only publishers (the model's
    `publish_<model>` permission) publish, schedule and unpublish.
    """

    actions = ["send_to_review_selected", "publish_selected", "unpublish_selected"]

    def is_live(self, obj) -> bool:
        stored = self._stored(obj)
        return bool(stored) and stored["state"] == PublicationState.PUBLISHED

    def keeps_old_addresses(self, obj) -> bool:
        """Once published (now, scheduled, or ever before): its address has been public."""
        return obj.has_been_published()

    def slug_help_text(self, obj) -> str:
        name = self.opts.verbose_name
        # (As read, a live item is published: no query to ask.)
        published = obj is not None and obj.pk is not None
        published = published and (
            obj.state == PublicationState.PUBLISHED or obj.has_been_published()
        )
        if published:
            return (
                f"The address readers and links know: the {name} has been published, so a "
                "new title does not change it. If you change it, the old address redirects "
                "to the new one (links keep working); an address that another item had "
                "cannot be given."
            )
        return (
            f"The {name}'s address. Until it is first published it follows the title: save "
            "a new title and it changes with it, unless you set it by hand (then it stays). "
            "Once published it changes only if you change it."
        )

    def _stored(self, obj) -> dict | None:
        """The item's state and publication time as stored, not as a form or an earlier
        version (the history's revert form passes one) would have them."""
        if obj is None or obj.pk is None:
            return None
        stored = self.model._default_manager.filter(pk=obj.pk)
        return stored.values("state", "published_at").first()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class ReviewedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                stored = model_admin._stored(obj)
                publishing_now = cleaned.get("state") == PublicationState.PUBLISHED and not (
                    stored and stored["state"] == PublicationState.PUBLISHED
                )
                if publishing_now and cleaned.get("needs_review"):
                    self.add_error(
                        "needs_review",
                        "Still flagged for review: check what the review note says, untick "
                        "“needs review”, then publish.",
                    )
                return cleaned

        ReviewedForm.__name__ = ReviewedForm.__qualname__ = form_class.__name__
        return ReviewedForm

    @admin.display(description="Review", ordering="needs_review")
    def review_flag(self, obj):
        """A flag only where something waits to be checked (not a tick that reads as "done")."""
        if not obj.needs_review:
            return ""
        return format_html('<span class="status status--review">{}</span>', "Needs review")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request, obj):
            fields.append("published_at")
            stored = self._stored(obj)
            if stored and stored["state"] == PublicationState.PUBLISHED:
                fields.append("state")
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "state" and not self.has_publish_permission(request):
            kwargs["choices"] = [
                choice
                for choice in PublicationState.choices
                if choice[0] != PublicationState.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def changes_publication(self, obj) -> bool:
        """Whether saving `obj` would publish, schedule, reschedule or unpublish it."""
        stored = self._stored(obj)
        was_published = bool(stored) and stored["state"] == PublicationState.PUBLISHED
        is_published = obj.state == PublicationState.PUBLISHED
        if was_published != is_published:
            return True
        return is_published and stored["published_at"] != obj.published_at

    def publication_effect(self, obj) -> str:
        """What saving `obj` would do to its publication, said to editors."""
        name = self.opts.verbose_name
        if obj.state == PublicationState.PUBLISHED:
            return f"publish or reschedule the {name}"
        return f"take the {name} off the public site (unpublish it)"

    def publication_refusal(self, obj) -> str:
        """What an editor is told when a save would change what only publishers change."""
        name = self.opts.verbose_name
        effect = self.publication_effect(obj)
        return (
            f"Only a publisher can do this: it would {effect}. Ask a publisher to do it, or "
            f"change the {name}'s text on its own page, where your change keeps its "
            "publication as it is."
        )

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an earlier version: an editor whose restore would publish, unpublish
        or reschedule gets the history page back with a message, not a bare 403. Before
        anyone restores such a version, its page says what the restore would do."""
        version = get_object_or_404(self.model.history, id=object_id, history_id=version_id)
        publisher = self.has_publish_permission(request)
        if request.method == "GET" and self.changes_publication(version.instance):
            if publisher:
                effect = self.publication_effect(version.instance)
                warning = f"Restoring this version would {effect}."
            else:
                warning = (
                    f"You cannot restore this version. {self.publication_refusal(version.instance)}"
                )
            self.message_user(request, warning, messages.WARNING)
        if request.method == "POST" and not publisher:
            if self.changes_publication(version.instance):
                self.message_user(
                    request,
                    f"Not restored. {self.publication_refusal(version.instance)}",
                    messages.ERROR,
                )
                opts = self.opts
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_history", object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        """Deleting is a publisher's job: an editor who finds the address is told so."""
        if not self.has_delete_permission(request):
            name = self.opts.verbose_name
            raise PermissionDenied(
                f"Only a publisher can delete a {name}. Ask a publisher to; to take it off "
                "the public site, a publisher unpublishes it (nothing is lost that way)."
            )
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        # Belt and braces behind the form's read-only fields and choices and the restore
        # above, for every way in: only publishers publish, schedule and unpublish. The
        # refusal is the admin's own 403 page, saying why (publishing/views.py).
        # (The publication time itself is set by the model's clean(), which the form ran.)
        if not self.has_publish_permission(request, obj) and self.changes_publication(obj):
            raise PermissionDenied(self.publication_refusal(obj))
        super().save_model(request, obj, form, change)

    def _transition(self, request, queryset, allowed_from, change, verb):
        # Evaluated once, before any change: the changelist's filter may depend on the state.
        items = list(queryset)
        eligible = [obj for obj in items if obj.state in allowed_from]
        for obj in eligible:
            change(obj)
            obj._change_reason = verb
            obj.save()
        done, skipped = len(eligible), len(items) - len(eligible)
        message = f"{verb.capitalize()}: {done} item(s)."
        if skipped:
            message += f" {skipped} skipped (not in a state that allows it)."
        self.message_user(request, message, messages.SUCCESS if done else messages.WARNING)

    @admin.action(description="Send selected to review", permissions=["change"])
    def send_to_review_selected(self, request, queryset):
        self._transition(
            request,
            queryset,
            [PublicationState.DRAFT],
            lambda o: o.send_to_review(),
            "sent to review",
        )

    @admin.action(description="Publish selected now", permissions=["publish"])
    def publish_selected(self, request, queryset):
        # Items still flagged for review are not published: the flag says something in them
        # is unchecked (an unread date, an unknown name). Untick it once checked.
        flagged = [obj for obj in queryset if obj.needs_review]
        if flagged:
            titles = ", ".join(f"“{obj}”" for obj in flagged[:5])
            more = f" and {len(flagged) - 5} more" if len(flagged) > 5 else ""
            self.message_user(
                request,
                f"Nothing published: {len(flagged)} of the selected item(s) still need review "
                f"({titles}{more}). Check each, untick “needs review” on its page, then "
                "publish; or select only the others.",
                messages.ERROR,
            )
            return
        now = timezone.now()
        self._transition(
            request,
            queryset,
            [PublicationState.DRAFT, PublicationState.REVIEW],
            lambda o: o.publish(when=now),
            "published",
        )

    @admin.action(description="Unpublish selected (back to draft)", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._transition(
            request, queryset, [PublicationState.PUBLISHED], lambda o: o.unpublish(), "unpublished"
        )

    @admin.display(description="Date", ordering="date_start")
    def date_display(self, obj):
        return obj.date_display

    @admin.display(description="Status", ordering="state")
    def status(self, obj):
        if obj.is_scheduled:
            when = timezone.localtime(obj.published_at).strftime("%d %b %Y %H:%M")
            return format_html(
                '<span class="status status--scheduled">Scheduled for {} HKT</span>', when
            )
        label = "Public" if obj.is_public else obj.get_state_display()
        return format_html('<span class="status status--{}">{}</span>', obj.state, label)
