"""Meetings and who attended them, after the Popolo data standard: a body that meets
(the series), its meetings (events), people, organisations, and attendances that link a
meeting to a person and/or organisation with the role and the post held at the time."""

import datetime as dt
import operator
import re
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from publishing.mentions import Target, mention_names
from publishing.models import (
    DatedModel,
    PublishableItem,
    PublishableModel,
    PublishableQuerySet,
    SlugManager,
    merge_constraints,
    published_condition,
)
from publishing.structured_data import node_id, one_or_many, reference
from translations.fields import Translations, with_translations
from translations.languages import ENGLISH, TEXT_TAG
from translations.text import Localized, Translatable, localized_value


class Side(models.TextChoices):
    HONG_KONG = "Hong Kong", _("Hong Kong")
    SHENZHEN = "Shenzhen", _("Shenzhen")
    GUANGDONG = "Guangdong", _("Guangdong")
    MAINLAND = "Mainland", _("Mainland")
    UNKNOWN = "", _("Not stated")


class Role(models.TextChoices):
    CO_CHAIR = "co-chair", _("Co-chair")
    ATTENDEE = "attendee", _("Attendee")
    REPRESENTATIVE = "representative", _("Representative")
    BRIEFER = "briefer", _("Briefer")


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video conference")
    UNKNOWN = "", _("Not stated")


# schema.org's eventAttendanceMode of a meeting by (mode, whether a place is stated): by
# video with a place is "in Hong Kong and by video conference", both. Not stated: none.
ATTENDANCE_MODE = {
    (Mode.IN_PERSON, True): "https://schema.org/OfflineEventAttendanceMode",
    (Mode.IN_PERSON, False): "https://schema.org/OfflineEventAttendanceMode",
    (Mode.VIDEO, False): "https://schema.org/OnlineEventAttendanceMode",
    (Mode.VIDEO, True): "https://schema.org/MixedEventAttendanceMode",
}

# What an organisation's (English) name says it is, for schema.org: a company ("… Limited",
# "… Ltd.") is an Organization; a body whose name makes it one of government (a bureau,
# department, commission, office, authority, people's government, the Legislative
# Council) is a GovernmentOrganization; any other is an Organization, which is always true.
COMPANY_NAME = re.compile(r"\b(?:Limited|Ltd\.?|Company|Corporation)(?:\W|$)", re.IGNORECASE)
GOVERNMENT_NAME = re.compile(
    r"\b(?:Bureau|Department|Commission|Office|Authority|Government|Legislative Council)\b"
)

# Newest first, undated and unnumbered meetings last on every database (in a descending
# order PostgreSQL puts NULLs first and SQLite last).
NEWEST_FIRST = (F("date_start").desc(nulls_last=True), F("number").desc(nulls_last=True), "-pk")


class AttendeeQuerySet(models.QuerySet):
    """People and organisations."""

    def public(self):
        """Those with a public page (see `public_condition`)."""
        return self.filter(self.public_condition())

    def live(self):
        """Those a published meeting shows, now or from its scheduled moment: their changes
        wait for review (publishing/pending.py)."""
        return self.filter(self.public_condition(Meeting.objects.live()))

    def public_condition(self, meetings=None) -> Q:
        """They attended a published meeting (of `meetings`, by default those public now).
        (EXISTS, not a join: no duplicate rows to remove with DISTINCT, and the database
        may stop at the first such meeting.)"""
        return Q(Exists(self._attendances_at_published_meetings(meetings)))

    def add_meeting_totals(self, objects) -> None:
        """Set `meeting_total`, the published meetings attended, on each of `objects` (a
        page of a list) in one grouped query. As an annotation of the list's query it was
        computed for every row before the sort and the LIMIT (SQLite: 30 ms for 666 people
        at 2,000 meetings); this way only the page's rows are counted. The meetings are
        joined (as in `_attendances_at_published_meetings`), not asked for in a subquery."""
        field = self._attendee_field()
        totals = dict(
            Attendance.objects.filter(
                published_condition("meeting__"),
                **{f"{field}__in": [obj.pk for obj in objects]},
            )
            .order_by()
            .values_list(field)
            .annotate(total=Count("meeting", distinct=True))
        )
        for obj in objects:
            obj.meeting_total = totals.get(obj.pk, 0)

    def _attendee_field(self) -> str:
        """'person' or 'organisation': the attendance's link to these rows."""
        return self.model._meta.get_field("attendances").field.name

    def _attendances_at_published_meetings(self, meetings=None):
        """Attendances of the outer row at published meetings, or at `meetings` (for OuterRef
        subqueries). Published meetings are joined: both databases then read the row's
        attendances from the attendee's index and stop at the first published meeting, where
        with `meeting IN (published meetings)` SQLite went through the published meetings'
        attendances (people list at 60,000 attendances: 19.5 -> 15 ms on SQLite, 17 -> 14.5
        on PostgreSQL)."""
        if meetings is None:
            condition = published_condition("meeting__")
        else:
            condition = Q(meeting__in=meetings)
        return Attendance.objects.filter(condition, **{self._attendee_field(): OuterRef("pk")})

    def mentioned_in(self, text: str):
        """Those whose name or abbreviation occurs in `text` (found by the database, so
        that a page need not try every name): candidates for `link_mentions`."""
        found = Q(text__contains=F("name")) | (
            Q(text__contains=F("name_zh_hant")) & ~Q(name_zh_hant="")
        )
        if any(field.name == "abbreviation" for field in self.model._meta.fields):
            found |= Q(text__contains=F("abbreviation")) & ~Q(abbreviation="")
        return self.alias(text=Value(text, output_field=models.TextField())).filter(found)

    def mention_targets(self) -> list:
        """Cross-link targets for texts that mention these people or organisations."""
        return [Target(obj.mention_names, obj.get_absolute_url()) for obj in self]


class OrganizationQuerySet(AttendeeQuerySet):
    def public_condition(self, meetings=None) -> Q:
        """...or editors listed them because the timeline speaks of them (LegCo, say)."""
        return super().public_condition(meetings) | Q(listed=True)


AttendeeManager = SlugManager.from_queryset(AttendeeQuerySet)
OrganizationManager = SlugManager.from_queryset(OrganizationQuerySet)


class MeetingSeriesQuerySet(models.QuerySet):
    def public(self):
        """Series with a published meeting (the public pages name them). EXISTS, not a
        join: no duplicate rows to remove."""
        return self.filter(Exists(Meeting.objects.published().filter(series=OuterRef("pk"))))

    def live(self):
        """Series with a published meeting, now or from its scheduled moment."""
        return self.filter(Exists(Meeting.objects.live().filter(series=OuterRef("pk"))))


class MeetingSeries(Translatable, models.Model):
    """A body that meets repeatedly, e.g. the Joint Task Force on the Development of ..."""

    name = models.CharField(max_length=300, unique=True)
    name_translations = Translations("name")
    slug = models.SlugField(max_length=100, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_bodies",
        help_text="The body it works under (a working group under the Joint Task Force).",
    )
    description = models.TextField(
        blank=True, help_text="What the body is, for readers of its page: who sits on it, why."
    )
    description_translations = Translations("description")

    objects = SlugManager.from_queryset(MeetingSeriesQuerySet)()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "meeting series"
        verbose_name_plural = "meeting series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("meetings:series", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def co_chairs_over_time(self, meetings) -> list[dict]:
        """Who co-chaired `meetings` (of this series, oldest first, attendances loaded), in
        the order they first did: each with their side, the posts they held, and their first
        and last meeting. Pure: no query."""
        chairs: dict[int, dict] = {}
        for meeting in meetings:
            for attendance in meeting.co_chairs:
                if attendance.person is None:
                    continue
                chair = chairs.setdefault(
                    attendance.person_id,
                    {"person": attendance.person, "side": attendance.get_side_display(),
                     "posts": [], "first": meeting, "last": meeting, "count": 0},
                )  # fmt: skip
                post = attendance.local.post
                if post and post not in chair["posts"]:
                    chair["posts"].append(post)
                chair["last"] = meeting
                chair["count"] += 1
        return list(chairs.values())

    def schema_org(self, absolute, meetings=()) -> dict:
        """schema.org EventSeries (JSON-LD) of the series' page: what the body is, the body
        it works under, and `meetings` (its published ones, as the page lists them)."""
        data = self.schema_org_summary(absolute)
        if description := self.local.description:
            data["description"] = description
        if self.parent:
            data["superEvent"] = self.parent.schema_org_summary(absolute)
        if meetings:
            data["subEvent"] = [reference(m.schema_org_summary(absolute)) for m in meetings]
        return data

    def schema_org_summary(self, absolute) -> dict:
        return {
            "@type": "EventSeries",
            "@id": node_id(self, "series"),
            "name": self.local.name,
            "url": absolute(self.get_absolute_url()),
        }


class MeetingQuerySet(PublishableQuerySet):
    def with_attendances(self):
        """Series, and attendances with their people and organisations, in few queries."""
        return self.select_related("series").prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("person", "organisation"),
            )
        )

    def with_photos(self):
        return self.prefetch_related(
            Prefetch("photos", queryset=MeetingPhoto.objects.select_related("picture"))
        )

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)

    def latest_dated(self):
        """Dated meetings, most recent first (undated ones have no place in 'latest')."""
        # A bound on the date, not date_start IS NOT NULL: SQLite then walks the
        # (date_start, number, id, state, published_at) index backwards and stops at the
        # first, where it sorted every published meeting (2.4 -> 0.1 ms at 2,000).
        return self.filter(date_start__gte=dt.date.min).newest_first()

    def held_in_years(self, years) -> dict[int, list]:
        """{year: [meetings held that year, oldest first]} in one query (for the timeline)."""
        fields = ["slug", "date_precision", "date_start", "date_end", "number", "mode", "announced"]
        meetings = (
            # A range of dates a year (the date_start index), not the year of every date.
            self.filter(
                reduce(
                    operator.or_,
                    (
                        Q(date_start__gte=dt.date(y, 1, 1), date_start__lte=dt.date(y, 12, 31))
                        for y in sorted(y for y in years if y)
                    ),
                    Q(pk__in=[]),
                )
            )
            .only(*fields, *with_translations(Meeting, ["title", "place"]))
            .order_by("date_start", "number", "pk")
        )
        by_year: dict[int, list] = {}
        for meeting in meetings:
            by_year.setdefault(meeting.date_start.year, []).append(meeting)
        return by_year


MeetingManager = SlugManager.from_queryset(MeetingQuerySet)


class Meeting(Translatable, PublishableItem):
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.PROTECT, related_name="meetings", null=True, blank=True
    )
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The meeting's number in its series (11 for the 11th)."
    )
    title = models.CharField(max_length=300)
    title_translations = Translations("title")
    slug = models.SlugField(max_length=120, unique=True)
    announced = models.BooleanField(
        "announced, not yet held",
        default=False,
        help_text="Read from a release announcing it; the release reporting it as held clears "
        "this.",
    )
    place = models.CharField(
        max_length=200, blank=True, help_text="Where it was held, e.g. Shenzhen, Hong Kong."
    )
    place_translations = Translations("place")
    mode = models.CharField(max_length=12, choices=Mode.choices, blank=True, default="")
    stated_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Month as written in the release (when no year is known)."
    )
    stated_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Day as written in the release (when no year is known)."
    )
    summary = models.TextField(blank=True, help_text="The lead paragraph.")
    summary_translations = Translations("summary")
    full_text = models.TextField(blank=True, help_text="The full text of the release.")
    full_text_translations = Translations("full_text")
    source_url = models.URLField("source URL", blank=True)
    source_published_on = models.DateField(
        "source published on", null=True, blank=True, help_text="When the release was issued."
    )
    milestones_mentioned = models.ManyToManyField(
        "milestones.Milestone",
        blank=True,
        related_name="meetings_mentioning",
        verbose_name="milestones it mentions",
        help_text="Milestones the meeting's release speaks of (the 14th Five-Year Plan, a "
        "blueprint): its page lists them.",
    )

    objects = MeetingManager()
    history = HistoricalRecords()

    url_name = "meetings:detail"
    slug_length = 80  # as the importer makes a meeting's slug

    class Meta:
        ordering = NEWEST_FIRST
        permissions = [("publish_meeting", "Can publish, schedule and unpublish meetings")]
        constraints = [
            *merge_constraints(DatedModel, PublishableModel),
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=Q(series__isnull=False, number__isnull=False),
                name="meetings_meeting_unique_series_number",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=Mode.values), name="meetings_meeting_mode_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "published_at"]),
            # Newest first, and the meetings of a year, read along the index (SQLite sorted
            # every published meeting for the list's first page); with what published()
            # reads, so that the table is not visited to filter.
            models.Index(
                fields=["date_start", "number", "id", "state", "published_at"],
                name="meeting_date_published_idx",
            ),
            # The latest change of what is published (the sitemap's lastmod), from its end.
            models.Index(
                fields=["state", "updated_at", "published_at"], name="meeting_updated_idx"
            ),
        ]

    def schema_org(self, absolute) -> dict:
        """schema.org Event (JSON-LD) of the meeting's page: when (as precise as known,
        no end invented), where or how, its series, and who attended, each attendee the
        node of their own page (@id, url). `absolute` makes a path an absolute address.
        Attendances as loaded (with_attendances()): no query."""
        data = {
            **self.schema_org_summary(absolute),
            "description": self.local.summary,
            "inLanguage": TEXT_TAG[(self.local.summary or self.local.title).language],
        }
        if not data["description"]:
            del data["description"]
        if self.announced:  # announced, not yet reported held: what schema.org calls
            # scheduled. Of a meeting held, EventScheduled would add only "as scheduled",
            # which no release says; schema.org assumes it by default anyway.
            data["eventStatus"] = "https://schema.org/EventScheduled"
        if mode := ATTENDANCE_MODE.get((self.mode, bool(self.place))):
            data["eventAttendanceMode"] = mode
        locations = []
        if self.place:
            locations.append({"@type": "Place", "name": self.local.place})
        if self.mode == Mode.VIDEO:
            locations.append({"@type": "VirtualLocation", "name": str(Mode.VIDEO.label)})
        if locations:
            data["location"] = locations[0] if len(locations) == 1 else locations
        if self.series:
            data["superEvent"] = self.series.schema_org_summary(absolute)
        attendees = {}
        for attendance in self.attendances.all():
            node = attendance.schema_org_attendee(absolute)
            attendees.setdefault(node["@id"], node)  # once, as first listed
        if attendees:
            data["attendee"] = list(attendees.values())
        return data

    @property
    def venue_display(self) -> str:
        """'in Shenzhen', 'by video conference', 'in Hong Kong and by video conference', ''."""
        place = self.local.place
        return gettext(" and ").join(part % {"place": place} for part in self.venue_parts())

    def venue_parts(self) -> list[str]:
        """The venue's phrases, "%(place)s" standing for the place (a page marks its
        language: site_tags.venue)."""
        parts = [gettext("in %(place)s")] if self.place else []
        if self.mode == Mode.VIDEO:
            parts.append(gettext("by video conference"))
        return parts

    def attendances_by_role(self, role):
        return [a for a in self.attendances.all() if a.role == role]

    @property
    def co_chairs(self):
        return self.attendances_by_role(Role.CO_CHAIR)

    @property
    def briefers(self):
        return self.attendances_by_role(Role.BRIEFER)

    def attendees_by_side(self):
        """[(heading, [attendances])] for attendees and representatives, in side order."""
        groups: dict[str, list] = {}
        for attendance in self.attendances.all():
            if attendance.role in (Role.ATTENDEE, Role.REPRESENTATIVE):
                side = attendance.get_side_display()
                heading = (
                    gettext("Attending for %(side)s") % {"side": side}
                    if attendance.side
                    else gettext("Attending (side not stated)")
                )
                groups.setdefault(heading, []).append(attendance)
        return list(groups.items())


class Person(Translatable, models.Model):
    honorific = models.CharField(max_length=30, blank=True, help_text="Mr, Ms, Dr, Professor…")
    honorific_translations = Translations("honorific")
    name = models.CharField(max_length=200, unique=True, help_text="As the person is known.")
    name_translations = Translations("name")
    slug = models.SlugField(max_length=100, unique=True)

    objects = AttendeeManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.honorific} {self.name}".strip()

    def get_absolute_url(self):
        return reverse("meetings:person", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    @property
    def local_name(self) -> Localized:
        """The name in the page's language: "Professor Sun Dong", "孫東教授" (a Chinese
        honorific follows the name), the English where no Chinese name is known."""
        name = self.local.name
        if name.language == ENGLISH:
            return Localized(str(self), ENGLISH)
        honorific = self.local.honorific
        return Localized(
            name + (honorific if honorific.language == name.language else ""), name.language
        )

    @property
    def mention_names(self) -> tuple[str, ...]:
        return mention_names(self.name, "", self.name_zh_hant)

    def schema_org(self, absolute, posts=()) -> dict:
        """schema.org Person (JSON-LD) of the person's page: the name in the page's
        language, the others written for them (a Chinese name on an English page, the
        English on a Chinese one) as alternateName, and `posts`, the posts held at the
        meetings attended (posts_over_time()), as jobTitle."""
        data = self.schema_org_summary(absolute)
        if names := one_or_many(
            name
            for name in (self.name, self.name_zh_hant, self.name_zh_hans)
            if name != data["name"]
        ):
            data["alternateName"] = names
        if titles := one_or_many(posts):
            data["jobTitle"] = titles
        return data

    def schema_org_summary(self, absolute) -> dict:
        name = self.local.name
        data = {"@type": "Person", "@id": node_id(self, "person"), "name": name}
        if self.honorific and name.language == ENGLISH:  # a Chinese one follows the name
            data["honorificPrefix"] = self.honorific
        data["url"] = absolute(self.get_absolute_url())
        return data


class Organization(Translatable, models.Model):
    name = models.CharField(max_length=300)
    name_translations = Translations("name")
    abbreviation = models.CharField(max_length=30, blank=True, help_text="CEDD, HSITPL…")
    abbreviation_translations = Translations("abbreviation")
    side = models.CharField(
        max_length=12,
        choices=Side.choices,
        blank=True,
        default="",
        help_text="The government or jurisdiction the body belongs to.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    listed = models.BooleanField(
        "listed on the site",
        default=False,
        help_text="Give the body a public page even if it attended no published meeting, "
        "e.g. one the timeline speaks of (its mentions then link to it).",
    )

    objects = OrganizationManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["name", "side"], name="meetings_organization_unique_name_side"
            ),
        ]

    def __str__(self):
        side = f" ({self.side})" if self.side else ""
        return f"{self.name}{side}"

    def get_absolute_url(self):
        return reverse("meetings:organisation", kwargs={"slug": self.slug})

    @property
    def mention_names(self) -> tuple[str, ...]:
        return mention_names(self.name, self.abbreviation, self.name_zh_hant)

    @property
    def schema_org_type(self) -> str:
        """GovernmentOrganization where the name says it is a body of government, else
        Organization (see GOVERNMENT_NAME)."""
        if COMPANY_NAME.search(self.name) or not GOVERNMENT_NAME.search(self.name):
            return "Organization"
        return "GovernmentOrganization"

    def schema_org(self, absolute) -> dict:
        """schema.org (Government)Organization (JSON-LD) of the body's page: the name in
        the page's language, its other names and abbreviations as alternateName."""
        data = self.schema_org_summary(absolute)
        names = (
            self.name,
            self.name_zh_hant,
            self.name_zh_hans,
            self.abbreviation,
            self.abbreviation_zh_hant,
            self.abbreviation_zh_hans,
        )
        if alternate := one_or_many(name for name in names if name != data["name"]):
            data["alternateName"] = alternate
        return data

    def schema_org_summary(self, absolute) -> dict:
        return {
            "@type": self.schema_org_type,
            "@id": node_id(self, "organisation"),
            "name": self.local.name,
            "url": absolute(self.get_absolute_url()),
        }

    def natural_key(self):
        return (self.slug,)

    @property
    def local_name(self) -> Localized:
        """The name and abbreviation in the page's language: "Civil Engineering and
        Development Department (CEDD)", "土木工程拓展署（土拓署）"."""
        name = self.local.name
        abbreviation = self.local.abbreviation
        if not abbreviation or abbreviation.language != name.language:
            return name
        if name.language == ENGLISH:
            return Localized(f"{name} ({abbreviation})", ENGLISH)
        return Localized(f"{name}（{abbreviation}）", name.language)


class MilestoneMention(models.Model):
    """That a milestone's text mentions a person or an organisation by one of their names.

    Written whenever a milestone's text or an attendee's names change, and after bulk
    writes (meetings/mention_index.py), so that a person's page finds the milestones that
    speak of them through an index instead of reading every milestone's text. Whether the
    milestone and the attendee are public is asked when a page reads them, not here.
    """

    milestone = models.ForeignKey(
        "milestones.Milestone", on_delete=models.CASCADE, related_name="attendee_mentions"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    organisation = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(organisation__isnull=True),
                name="meetings_mention_person_xor_organisation",
            ),
            models.UniqueConstraint(
                fields=["person", "milestone"], name="meetings_mention_unique_person"
            ),
            models.UniqueConstraint(
                fields=["organisation", "milestone"], name="meetings_mention_unique_organisation"
            ),
        ]

    def __str__(self):
        return f"{self.milestone_id} mentions {self.person_id or self.organisation_id}"


ROLE_ORDER = Case(
    When(role=Role.CO_CHAIR, then=Value(0)),
    When(role=Role.ATTENDEE, then=Value(1)),
    When(role=Role.REPRESENTATIVE, then=Value(2)),
    default=Value(3),
)


class AttendanceQuerySet(models.QuerySet):
    def at_published_meetings(self):
        """With their meetings, newest meeting first: a person's or organisation's record."""
        return (
            self.filter(published_condition("meeting__"))
            .select_related("meeting")
            .order_by(
                F("meeting__date_start").desc(nulls_last=True),
                F("meeting__number").desc(nulls_last=True),
                "-meeting_id",
                "position",
            )
        )

    def posts_over_time(self) -> list[dict]:
        """The posts held at published meetings, in the order first held: each with the
        dates of its first and last meeting and how many (one query). [{"post" (Localized),
        "first", "last" (dates), "count"}]."""
        posts = (
            self.filter(published_condition("meeting__"), meeting__date_start__isnull=False)
            .exclude(post="")
            .values(*with_translations(Attendance, ["post"]))
            .annotate(
                first=Min("meeting__date_start"),
                last=Max("meeting__date_start"),
                count=Count("pk"),
            )
            .order_by("first", "post")
        )
        return [{**row, "post": localized_value(row, "post")} for row in posts]


class AttendanceManager(models.Manager.from_queryset(AttendanceQuerySet)):
    def get_by_natural_key(self, meeting, person, organisation, role):
        return self.get(
            meeting__slug=meeting,
            person__slug=person or None,
            organisation__slug=organisation or None,
            role=role,
        )


class Attendance(Translatable, models.Model):
    """A person and/or organisation at a meeting, in a role, holding a post at the time."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    organisation = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ATTENDEE)
    post = models.CharField(
        max_length=300,
        blank=True,
        help_text="The post held at the time, e.g. Secretary for Innovation, Technology and "
        "Industry.",
    )
    post_translations = Translations("post")
    side = models.CharField(max_length=12, choices=Side.choices, blank=True, default="")
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order of mention in the source."
    )

    objects = AttendanceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = [ROLE_ORDER, "side", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organisation__isnull=False),
                name="meetings_attendance_person_or_organisation",
            ),
            models.CheckConstraint(
                condition=Q(role__in=Role.values), name="meetings_attendance_role_valid"
            ),
            models.UniqueConstraint(
                fields=["meeting", "person", "organisation", "role"],
                condition=Q(person__isnull=False, organisation__isnull=False),
                name="meetings_attendance_unique_both",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person", "role"],
                condition=Q(organisation__isnull=True),
                name="meetings_attendance_unique_person",
            ),
            models.UniqueConstraint(
                fields=["meeting", "organisation", "role"],
                condition=Q(person__isnull=True),
                name="meetings_attendance_unique_organisation",
            ),
        ]

    def __str__(self):
        who = self.person or self.organisation
        return f"{who}, {self.get_role_display().lower()} at {self.meeting}"

    def natural_key(self):
        return (
            self.meeting.slug,
            self.person.slug if self.person else "",
            self.organisation.slug if self.organisation else "",
            self.role,
        )

    natural_key.dependencies = ["meetings.meeting", "meetings.person", "meetings.organization"]

    def clean(self):
        if self.person_id is None and self.organisation_id is None:
            raise ValidationError("Choose a person, an organisation, or both.")

    def schema_org_attendee(self, absolute) -> dict:
        """The attendee as a meeting's Event lists them: the person (with the post held at
        the time as jobTitle, the body they came for as affiliation), or the body."""
        if self.person is None:
            return self.organisation.schema_org_summary(absolute)
        data = self.person.schema_org_summary(absolute)
        if post := self.local.post:
            data["jobTitle"] = post
        if self.organisation:
            data["affiliation"] = self.organisation.schema_org_summary(absolute)
        return data


class MeetingPhotoManager(models.Manager):
    def get_by_natural_key(self, meeting, picture):
        return self.get(meeting__slug=meeting, picture__slug=picture)


class MeetingPhoto(models.Model):
    """A picture in a meeting's gallery ("with photos"), in the order editors choose."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos")
    picture = models.ForeignKey("pictures.Picture", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    objects = MeetingPhotoManager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "picture"], name="meetings_meetingphoto_unique_picture"
            ),
        ]

    def __str__(self):
        return f"{self.picture} at {self.meeting}"

    def natural_key(self):
        return (self.meeting.slug, self.picture.slug)

    natural_key.dependencies = ["meetings.meeting", "pictures.picture"]
