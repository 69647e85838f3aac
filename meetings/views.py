from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Lower
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, View
from django_filters.views import FilterView

from meetings.calendar import meetings_calendar
from meetings.filters import MeetingFilter
from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person
from meetings.structured_data import (
    attendee_data,
    attendee_list_data,
    meeting_data,
    meeting_list_data,
    series_data,
)
from milestones.models import Milestone
from pagecache.fragments import list_version
from publishing.pagination import MirroredPaginator
from publishing.views import (
    MovedSlugMixin,
    PendingPreviewMixin,
    PreviewMixin,
    PublicQuerysetMixin,
)
from translations.fields import with_translations


class PublishedMeetingMixin(PublicQuerysetMixin):
    """Every public view of meetings starts here: published ones only."""

    model = Meeting

    def get_queryset(self):
        return super().get_queryset().select_related("series")


# What a card of the meetings list shows (and its JSON-LD item): not the release's full
# text, its summary, sources and the rest, which were read, converted and digested into each
# card's fragment version for nothing.
CARD_FIELDS = (
    *with_translations(Meeting, ("title", "place")),
    "slug",
    "date_precision",
    "date_start",
    "date_end",
    "mode",
    "series",
)


class MeetingListView(PublishedMeetingMixin, FilterView):
    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    paginate_by = 50
    paginator_class = MirroredPaginator

    def get_queryset(self):
        return super().get_queryset().newest_first().only(*CARD_FIELDS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_filtered"] = any(v for k, v in self.request.GET.items() if k != "page")
        context["structured_data"] = meeting_list_data(
            self.request.build_absolute_uri,
            context["object_list"],
            context["page_obj"],
            context["paginator"],
        )
        context["list_version"] = list_version(context["object_list"])
        return context


class MeetingDetailView(MovedSlugMixin, PreviewMixin, PublishedMeetingMixin, DetailView):
    template_name = "meetings/meeting_detail.html"

    def get_queryset(self):
        return super().get_queryset().with_attendances().with_photos()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["structured_data"] = meeting_data(self.request.build_absolute_uri, self.object)
        context["milestones_of_its_time"] = Milestone.objects.published().around(
            self.object.date_start
        )
        context["milestones_mentioned"] = (
            self.object.milestones_mentioned.published().chronological()
        )
        return context


# What a row of a person's or body's record shows: the attendance's role and post, its
# meeting's date, title and address (not the release's text, summary and sources, read,
# converted and digested into each row's fragment version for nothing).
RECORD_FIELDS = (
    "role",
    *with_translations(Attendance, ("post",)),
    "meeting",
    *(f"meeting__{name}" for name in with_translations(Meeting, ("title",))),
    "meeting__slug",
    "meeting__date_precision",
    "meeting__date_start",
    "meeting__date_end",
)


class AttendanceHistoryView(MovedSlugMixin, PendingPreviewMixin, DetailView):
    """A person's or an organisation's page: the published meetings attended, newest first.

    Only people and organisations who attended a published meeting have a page. The
    meetings come 100 a page (?page=2), so a page stays light however many there are.
    """

    attendances_per_page = 100

    def get_queryset(self):
        return self.model.objects.public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        attendances = (
            Attendance.objects.filter(**{self.attendance_field: self.object})
            .at_published_meetings()
            .only(*RECORD_FIELDS)
        )
        paginator = Paginator(attendances, self.attendances_per_page)
        page = paginator.get_page(self.request.GET.get("page"))
        context.update(
            attendances=page.object_list,
            attendances_version=list_version(page.object_list),
            paginator=paginator,
            page_obj=page,
            is_paginated=page.has_other_pages(),
        )
        # From the index of mentions (meetings/mention_index.py), not a scan of every text.
        mentioning = self.object.mentions.values("milestone")
        context["mentioned_in"] = (
            Milestone.objects.published().chronological().filter(pk__in=mentioning)
        )
        absolute = self.request.build_absolute_uri
        if self.attendance_field == "person":
            posts = Attendance.objects.filter(person=self.object).posts_over_time()
            context["posts_over_time"] = posts
            node = self.object.schema_org(absolute, [post["post"] for post in posts])
        else:
            node = self.object.schema_org(absolute)
        context["structured_data"] = attendee_data(absolute, self.object, node)
        return context


class AttendeeListView(ListView):
    """Everyone (or every body) with a public page, with how many meetings they attended."""

    paginate_by = 100
    paginator_class = MirroredPaginator

    def get_queryset(self):
        # Alphabetical whatever the case: "Development and ..." before "Development Bureau".
        return self.model.objects.public().order_by(Lower("name"), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The totals first: they are shown on each card, so its version must include them.
        self.model.objects.add_meeting_totals(context["object_list"])
        context["structured_data"] = attendee_list_data(
            self.request.build_absolute_uri,
            self.model,
            context["object_list"],
            context["page_obj"],
            context["paginator"],
        )
        context["list_version"] = list_version(context["object_list"])
        return context


class PersonListView(AttendeeListView):
    model = Person
    template_name = "meetings/person_list.html"


class OrganisationListView(AttendeeListView):
    model = Organization
    template_name = "meetings/organisation_list.html"


class PersonDetailView(AttendanceHistoryView):
    model = Person
    attendance_field = "person"
    template_name = "meetings/person_detail.html"


class OrganisationDetailView(AttendanceHistoryView):
    model = Organization
    attendance_field = "organisation"
    template_name = "meetings/organisation_detail.html"
    context_object_name = "organisation"


class MeetingCalendarView(PublishedMeetingMixin, View):
    """GET /meetings.ics: published, dated meetings as an iCalendar feed (RFC 5545)."""

    filename = "meetings.ics"
    name = ""  # the calendar's name, when not the site's

    def meetings(self):
        return self.get_queryset()

    def get(self, request, **kwargs):
        meetings = self.meetings().filter(date_start__isnull=False).newest_first()
        calendar = meetings_calendar(meetings, request, name=self.name)
        response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{self.filename}"'
        return response


class SeriesCalendarView(MeetingCalendarView):
    """GET /meetings/series/<slug>.ics: the published, dated meetings of one series."""

    def meetings(self):
        series = get_object_or_404(MeetingSeries.objects.public(), slug=self.kwargs["slug"])
        self.filename, self.name = f"{series.slug}.ics", series.local.name
        return self.get_queryset().filter(series=series)


class MeetingSeriesDetailView(MovedSlugMixin, DetailView):
    """GET /meetings/series/<slug>/: what the body is, its published meetings in order with
    their co-chairs, and who co-chaired it over time. A series with no published meeting
    has no page."""

    template_name = "meetings/series_detail.html"
    context_object_name = "series"

    def get_queryset(self):
        return MeetingSeries.objects.public().select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        series = self.object
        meetings = list(
            Meeting.objects.published()
            .filter(series=series)
            .with_attendances()
            .order_by(F("date_start").asc(nulls_last=True), F("number").asc(nulls_last=True), "pk")
        )
        context["meetings"] = meetings
        context["co_chairs_over_time"] = series.co_chairs_over_time(meetings)
        context["sub_bodies"] = MeetingSeries.objects.public().filter(parent=series)
        context["structured_data"] = series_data(self.request.build_absolute_uri, series, meetings)
        return context
