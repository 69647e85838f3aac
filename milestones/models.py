import datetime as dt

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from simple_history.models import HistoricalRecords

from publishing.models import (
    DatedModel,
    PublishableItem,
    PublishableModel,
    PublishableQuerySet,
    SlugManager,
    merge_constraints,
)
from publishing.structured_data import park_id
from translations.fields import Translations
from translations.languages import TEXT_TAG, has_han
from translations.text import Translatable

UNDATED_SORT = "9999-12-31"
YEARS_INDEX = "milestone_sort_published_idx"


AROUND_DAYS = 183  # "of its time": within about six months of a meeting

# The texts in which a milestone may mention a person or organisation, by language.
ENGLISH_TEXTS = ("title", "body")
CHINESE_TEXTS = ("title_zh_hant", "body_zh_hant")


class MilestoneQuerySet(PublishableQuerySet):
    def chronological(self):
        return self.order_by("sort_key")

    def latest_dated(self):
        """Dated milestones, most recent first (undated ones have no place in 'latest')."""
        # The dated ones are those whose sort key starts with a date: a range of the sort
        # key's index, walked backwards (date_start IS NOT NULL had SQLite sort every
        # published milestone instead, 16 ms at 10,000).
        return self.filter(sort_key__lt=UNDATED_SORT[:4]).order_by("-sort_key")

    def years(self) -> list[int]:
        """The years that have milestones, oldest first, in one query that reads one index
        entry per year rather than every milestone (a "loose index scan": a recursive query
        that jumps along the sort_key index, which starts with the date, to the first
        milestone of each next year). Undated milestones sort after "9999" and are left out.
        """
        dated = self.filter(sort_key__lt=UNDATED_SORT[:4]).order_by("sort_key")
        next_year = RawSQL("CAST(CAST(SUBSTR(years.y, 1, 4) AS INTEGER) + 1 AS TEXT)", ())
        following = dated.filter(sort_key__gte=next_year).values("sort_key")[:1]
        try:
            first_sql, first_params = dated.values("sort_key")[:1].query.sql_with_params()
            next_sql, next_params = following.query.sql_with_params()
        except EmptyResultSet:  # .none(), or a filter nothing can match
            return []
        sql = (
            f"WITH RECURSIVE years(y) AS (SELECT ({first_sql}) UNION ALL "
            f"SELECT ({next_sql}) FROM years WHERE years.y IS NOT NULL) "
            "SELECT y FROM years WHERE y IS NOT NULL"
        )
        connection = connections[self.db]
        if connection.vendor == "sqlite":
            # Without ANALYZE statistics SQLite would rather use the (state, published_at)
            # index and sort, once per year.
            table = f'FROM "{self.model._meta.db_table}"'
            sql = sql.replace(table, f'{table} INDEXED BY "{YEARS_INDEX}"')
        with connection.cursor() as cursor:
            cursor.execute(sql, (*first_params, *next_params))
            return [int(row[0][:4]) for row in cursor.fetchall()]

    def containing_any(self, names):
        """Milestones whose title or body contains any of `names`: a Latin name in the
        English texts (on PostgreSQL a trigram index answers it: migration
        0005_mention_trigram_index), a Chinese one in the Traditional Chinese texts."""
        query = Q()
        for name in names:
            fields = CHINESE_TEXTS if has_han(name) else ENGLISH_TEXTS
            for field in fields:
                query |= Q(**{f"{field}__contains": name})
        return self.filter(query) if names else self.none()

    def around(self, day, days: int = AROUND_DAYS, each_side: int = 4) -> list:
        """Milestones of the time of `day` (a meeting's): dated within `days` of it, the
        `each_side` nearest before and after it, in order (two queries). Nothing for no day."""
        if day is None:
            return []
        window = dt.timedelta(days=days)
        near = self.filter(date_end__gte=day - window)
        # The sort key starts with date_start: bounds on it let each side walk the sort
        # key's index from `day` outwards and stop at the nearest (first_rows), instead of
        # reading every published milestone to sort them (19 ms at 10,000 on SQLite).
        next_day = (day + dt.timedelta(days=1)).isoformat()
        last_day = (day + window + dt.timedelta(days=1)).isoformat()
        before = near.filter(sort_key__lt=next_day).order_by("-sort_key")
        after = near.filter(sort_key__gte=next_day, sort_key__lt=last_day).order_by("sort_key")
        before = list(before.first_rows(each_side))
        after = list(after.first_rows(each_side))
        return [*reversed(before), *after]


MilestoneManager = SlugManager.from_queryset(MilestoneQuerySet)


class Milestone(Translatable, PublishableItem):
    """One event in the park's history, as published on the timeline."""

    title = models.CharField(
        max_length=200,
        help_text="A short headline for the timeline. The importer drafts one from the "
        "first sentence; please improve it.",
    )
    title_translations = Translations("title")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The milestone's web address. Change it only before publishing.",
    )
    body = models.TextField(help_text="The milestone as readers will see it.")
    body_translations = Translations("body")
    source_url = models.URLField(
        "source URL",
        blank=True,
        help_text="The address of the source cited, where it has one (never made up from a "
        "pattern).",
    )
    lead_image = models.ForeignKey(
        "pictures.Picture",
        # A picture a milestone shows cannot be deleted from under it (the admin says which
        # milestones use it), as a meeting's gallery pictures cannot.
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional picture shown with the milestone on the timeline and its page.",
    )
    source_paragraph = models.PositiveIntegerField(
        "source paragraph",
        null=True,
        blank=True,
        help_text="Number of the paragraph in the source document (1 is the first).",
    )
    sort_key = models.CharField(
        max_length=140,
        editable=False,
        db_index=True,
        help_text="Derived: date, then source order, then slug.",
    )

    objects = MilestoneManager()
    history = HistoricalRecords(excluded_fields=["sort_key"])

    url_name = "milestones:detail"
    slug_fallback = "milestone"  # as the importer names a milestone with no title

    class Meta:
        ordering = ["sort_key"]
        permissions = [("publish_milestone", "Can publish, schedule and unpublish milestones")]
        constraints = [
            *merge_constraints(DatedModel, PublishableModel),
            models.UniqueConstraint(
                fields=["source_document", "source_paragraph"],
                condition=~Q(source_document=""),
                name="milestones_milestone_unique_source_paragraph",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "published_at"]),
            # The timeline's order with what published() reads: years() jumps along it.
            models.Index(fields=["sort_key", "state", "published_at"], name=YEARS_INDEX),
            # A year (?year=, year_from, year_to: ranges of date_start) counted and read
            # from the index, not by visiting every published milestone (20 ms at 10,000).
            models.Index(
                fields=["date_start", "state", "published_at"], name="milestone_date_published_idx"
            ),
            # The latest change of what is published (the sitemap's lastmod), from its end.
            models.Index(
                fields=["state", "updated_at", "published_at"], name="milestone_updated_idx"
            ),
        ]

    def derive_fields(self) -> None:
        super().derive_fields()
        self.sort_key = self.compute_sort_key()

    def compute_sort_key(self) -> str:
        day = self.date_start.isoformat() if self.date_start else UNDATED_SORT
        position = self.source_paragraph if self.source_paragraph is not None else 999999
        return f"{day}:{position:06d}:{self.slug}"

    def schema_org(self, absolute) -> dict:
        """schema.org Event (JSON-LD) of the milestone's page: an event in the park's
        history, `about` the park (not its `location`: an arrangement signed in Beijing or a
        funding approval in the Legislative Council did not take place in the Loop, and
        where each did is not recorded). No eventStatus: nothing was scheduled. `absolute`
        makes a path an absolute address."""
        return {
            **self.schema_org_summary(absolute),
            "description": self.local.body,
            "inLanguage": TEXT_TAG[self.local.body.language],
            "about": {"@type": "Place", "@id": park_id()},
        }

    @property
    def year(self) -> int | None:
        return self.date_start.year if self.date_start else None


class MergedParagraphManager(models.Manager):
    def get_by_natural_key(self, source_document, source_paragraph):
        return self.get(source_document=source_document, source_paragraph=source_paragraph)


class MergedParagraph(models.Model):
    """Provenance of a source paragraph merged into another milestone by an editor.

    The importer treats these paragraphs as known, so a re-import does not bring a merged
    paragraph back as a new milestone.
    """

    milestone = models.ForeignKey(
        Milestone, on_delete=models.CASCADE, related_name="merged_paragraphs"
    )
    source_document = models.CharField("source document", max_length=200)
    source_paragraph = models.PositiveIntegerField("source paragraph", null=True, blank=True)
    source_fingerprint = models.CharField("fingerprint", max_length=64, db_index=True)
    source_text = models.TextField("original text", blank=True)
    merged_at = models.DateTimeField(auto_now_add=True)

    objects = MergedParagraphManager()

    class Meta:
        ordering = ["source_document", "source_paragraph"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_document", "source_paragraph"],
                name="milestones_mergedparagraph_unique_source_paragraph",
            ),
        ]

    def __str__(self):
        return f"{self.source_document}, paragraph {self.source_paragraph}"

    def natural_key(self):
        return (self.source_document, self.source_paragraph)

    natural_key.dependencies = ["milestones.milestone"]
