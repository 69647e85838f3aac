from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html

from meetings.models import (
    Attendance,
    Meeting,
    MeetingPhoto,
    MeetingSeries,
    Organization,
    Person,
)
from meetings.widgets import LoadedAutocompleteSelect
from pictures.admin import thumbnail_html
from publishing.admin import (
    EditedByListFilter,
    LiveWhenPublicAdmin,
    PendingListFilter,
    PublishableAdmin,
    StatusListFilter,
    YearListFilter,
)
from publishing.editing import LostUpdateGuardMixin
from publishing.history import ReadableHistoryAdmin
from translations.desk import side_by_side, simplified_fieldset, translated_search_fields


class AttendanceInlineForm(forms.ModelForm):
    """Each row's person and organisation, already fetched with the rows, are rendered as
    they are (LoadedAutocompleteSelect), not fetched again one by one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in AttendanceInline.autocomplete_fields:
            widget = getattr(self.fields[name].widget, "widget", self.fields[name].widget)
            if isinstance(widget, LoadedAutocompleteSelect) and self.instance.pk:
                widget.loaded = getattr(self.instance, name)


class AttendanceInline(admin.TabularInline):
    model = Attendance
    form = AttendanceInlineForm
    extra = 1
    autocomplete_fields = ["person", "organisation"]
    fields = ["role", "person", "organisation", "post", "post_zh_hant", "side", "position"]

    def get_queryset(self, request):
        # The rows' names ("Sun Dong, co-chair at ...") and their choices, in one query.
        return super().get_queryset(request).select_related("meeting", "person", "organisation")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.autocomplete_fields:
            db = kwargs.get("using")
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=db)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeetingPhotoInline(admin.TabularInline):
    model = MeetingPhoto
    extra = 0
    autocomplete_fields = ["picture"]
    fields = ["preview", "picture", "position"]
    readonly_fields = ["preview"]
    verbose_name = "photo"
    verbose_name_plural = "gallery (the release's photos)"

    @admin.display(description="")
    def preview(self, obj):
        return thumbnail_html(obj.picture, box=64) if obj.pk else ""


class MeetingsAttendedInline(admin.TabularInline):
    """Read-only list of the meetings a person or organisation attended."""

    model = Attendance
    extra = 0
    can_delete = False
    show_change_link = False
    fields = ["meeting", "role", "post", "side"]
    readonly_fields = fields
    ordering = ["-meeting__date_start"]
    verbose_name = "meeting attended"
    verbose_name_plural = "meetings attended (edit attendance on the meeting)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("meeting", "person", "organisation")


class PersonMeetingsInline(MeetingsAttendedInline):
    fk_name = "person"


class OrganisationMeetingsInline(MeetingsAttendedInline):
    fk_name = "organisation"


class ShownByMeetingsAdmin(LiveWhenPublicAdmin):
    """Series, people and organisations: live once a published meeting shows them, and then
    a change waits for a publisher of meetings."""

    publish_permission = "meetings.publish_meeting"
    list_filter = [PendingListFilter]


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(ShownByMeetingsAdmin):
    list_display = ["name", "parent", "meeting_count"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["name"]  # Meta.ordering is dropped once get_queryset() counts
    search_fields = translated_search_fields(MeetingSeries, ["name"])
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": side_by_side(MeetingSeries, ["name", "slug", "parent", "description"])}),
        simplified_fieldset(MeetingSeries),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(meeting_total=Count("meetings"))

    @admin.display(description="Meetings", ordering="meeting_total")
    def meeting_count(self, obj):
        return obj.meeting_total


@admin.register(Meeting)
class MeetingAdmin(PublishableAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "title",
        "date_display",
        "series",
        "number",
        "place",
        "mode",
        "status",
        "review_flag",
    ]
    list_filter = [
        StatusListFilter,
        EditedByListFilter,
        "series",
        YearListFilter,
        "place",
        "mode",
        ("attendances__side", admin.AllValuesFieldListFilter),
        "needs_review",
        "announced",
        "date_precision",
    ]
    list_select_related = ["series"]
    search_fields = translated_search_fields(Meeting, ["title", "summary", "full_text", "place"])
    date_hierarchy = "date_start"
    autocomplete_fields = ["milestones_mentioned"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [AttendanceInline, MeetingPhotoInline]
    versioned_related = ("attendances",)  # also edited on this page

    def related_version_label(self, item) -> str:
        """An attendance on its meeting's History page: who, in which role."""
        who = item.person or item.organisation or "someone"
        return f"{who}, {item.get_role_display().lower()}"

    readonly_fields = [
        "source_document",
        "source_published_on",
        "stated_month",
        "stated_day",
        "source_fingerprint",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": side_by_side(
                    Meeting, ["title", "slug", ("series", "number"), "place", "mode", "announced"]
                )
            },
        ),
        (
            "Date",
            {
                "fields": [
                    ("date_precision", "date_start", "date_end"),
                    ("stated_month", "stated_day"),
                    *side_by_side(Meeting, ["date_basis"]),
                ],
                "description": "Day: the date. Month or year: any day inside it. Range: the "
                "earliest and the latest possible dates. The release's own month and day "
                "are shown for reference.",
            },
        ),
        (
            "Text",
            {"fields": [*side_by_side(Meeting, ["summary", "full_text"]), "milestones_mentioned"]},
        ),
        simplified_fieldset(Meeting),
        ("Publication", {"fields": ["state", "published_at", "needs_review", "review_note"]}),
        (
            "Source",
            {
                "fields": [
                    *side_by_side(Meeting, ["citation"]),
                    "source_url",
                    ("source_document", "source_published_on"),
                ],
                "description": "The citation and its address are what readers see; the "
                "document imported is provenance for editors.",
            },
        ),
        (
            "Advanced",
            {"classes": ["collapse"], "fields": ["source_fingerprint", "created_at", "updated_at"]},
        ),
    ]


class AttendeeAdmin(ShownByMeetingsAdmin):
    """People and organisations: with the number of meetings each attended."""

    list_display = ["name", "meetings_attended"]
    ordering = ["name"]  # Meta.ordering is dropped once get_queryset() counts
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(meeting_total=Count("attendances__meeting", distinct=True))
        )

    @admin.display(description="Meetings", ordering="meeting_total")
    def meetings_attended(self, obj):
        return obj.meeting_total


@admin.register(Person)
class PersonAdmin(AttendeeAdmin):
    list_display = ["name", "name_zh_hant", "honorific", "meetings_attended"]
    inlines = [PersonMeetingsInline]
    search_fields = translated_search_fields(Person, ["name"])
    fieldsets = [
        (None, {"fields": side_by_side(Person, ["honorific", "name", "slug"])}),
        simplified_fieldset(Person),
    ]


@admin.register(Organization)
class OrganizationAdmin(AttendeeAdmin):
    list_display = ["name", "name_zh_hant", "abbreviation", "side", "listed", "meetings_attended"]
    list_filter = [*ShownByMeetingsAdmin.list_filter, "side", "listed"]
    search_fields = translated_search_fields(Organization, ["name", "abbreviation"])
    fieldsets = [
        (
            None,
            {
                "fields": side_by_side(
                    Organization, ["name", "abbreviation", "slug", "side", "listed"]
                )
            },
        ),
        simplified_fieldset(Organization),
    ]
    inlines = [OrganisationMeetingsInline]

    def get_readonly_fields(self, request, obj=None):
        # Listing an organisation gives it a public page: a publisher's decision.
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request, obj):
            fields.append("listed")
        return fields


@admin.register(Attendance)
class AttendanceAdmin(LostUpdateGuardMixin, ReadableHistoryAdmin):
    """Attendances one by one. Those of a live meeting are changed on the meeting's page,
    where an editor's change waits for review with the meeting's (publishing/pending.py):
    here they are read-only to editors, not a way around the review."""

    list_display = ["meeting", "role", "person", "organisation", "post", "side"]
    list_filter = ["role", "side"]
    list_select_related = ["meeting", "person", "organisation"]
    search_fields = [
        *translated_search_fields(Person, ["name"], "person__"),
        *translated_search_fields(Organization, ["name"], "organisation__"),
        *translated_search_fields(Attendance, ["post"]),
        "meeting__title",
    ]
    autocomplete_fields = ["meeting", "person", "organisation"]

    def waits_for_review(self, request, obj) -> bool:
        return obj is not None and self.is_live_for(request, obj.meeting_id)

    def is_live_for(self, request, meeting_id) -> bool:
        """Whether an attendance of this meeting is one an editor may not change here."""
        return (
            not request.user.has_perm("meetings.publish_meeting")
            and Meeting.objects.live().filter(pk=meeting_id).exists()
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        """An editor cannot add an attendance to a live meeting here, nor move one to it."""
        form_class = super().get_form(request, obj, change=change, **kwargs)
        model_admin = self

        class AttendanceForm(form_class):
            def clean(self):
                cleaned = super().clean()
                meeting = cleaned.get("meeting")
                if meeting is not None and model_admin.is_live_for(request, meeting.pk):
                    self.add_error(
                        "meeting",
                        "This meeting is live: add or change its attendances on the meeting's "
                        "page, where your change waits for review.",
                    )
                return cleaned

        AttendanceForm.__name__ = AttendanceForm.__qualname__ = form_class.__name__
        return AttendanceForm

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.waits_for_review(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.waits_for_review(
            request, obj
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if request.method == "GET" and self.waits_for_review(request, obj):
            self.message_user(
                request,
                format_html(
                    "This attendance is part of the live meeting “{}”: change it on <a "
                    'href="{}">the meeting\'s page</a>, where your change waits for review.',
                    obj.meeting,
                    reverse("admin:meetings_meeting_change", args=[obj.meeting_id]),
                ),
                messages.INFO,
            )
        return super().change_view(request, object_id, form_url, extra_context)
