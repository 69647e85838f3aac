"""Behaviour shared by milestones and meetings, defined once: dates with precision,
publication, and provenance, and the item they make together (`PublishableItem`). Concrete
models inherit these abstract bases."""

import uuid

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from publishing.dating import DatePrecision, FuzzyDate
from publishing.structured_data import node_id
from publishing.text import is_derived_slug, slug_base, unique_slug
from translations.fields import Translations


class DatedModel(models.Model):
    """A date with its honest precision, stored as an interval so that it sorts correctly."""

    date_precision = models.CharField(
        "date precision",
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
        help_text="How precisely the date is known. For a month or a year, enter any day "
        "inside it as the date; for a range, give the earliest and latest possible dates.",
    )
    date_start = models.DateField(
        "date",
        null=True,
        blank=True,
        help_text="The day; or any day in the month or year; or the start of the range.",
    )
    date_end = models.DateField(
        "latest date",
        null=True,
        blank=True,
        help_text="Only for a range: the latest possible date. Filled in for you otherwise.",
    )
    date_basis = models.CharField(
        "date basis",
        max_length=300,
        blank=True,
        help_text="For readers, why the date is what it is when it is not a known day: "
        "“Not published; between the Policy Address of 25 October and a LegCo reply of "
        "6 December 2023”.",
    )
    date_basis_translations = Translations("date_basis")

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_date_precision_valid",
                condition=Q(date_precision__in=DatePrecision.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_date_interval_matches_precision",
                condition=(
                    Q(
                        date_precision=DatePrecision.UNKNOWN,
                        date_start__isnull=True,
                        date_end__isnull=True,
                    )
                    | (
                        ~Q(date_precision=DatePrecision.UNKNOWN)
                        & Q(date_start__isnull=False, date_end__gte=F("date_start"))
                    )
                ),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_day_is_one_day",
                condition=~Q(date_precision=DatePrecision.DAY) | Q(date_end=F("date_start")),
            ),
        ]

    @property
    def fuzzy_date(self) -> FuzzyDate:
        return FuzzyDate(self.date_precision, self.date_start, self.date_end)

    @fuzzy_date.setter
    def fuzzy_date(self, value: FuzzyDate) -> None:
        value = value.normalised()
        self.date_precision, self.date_start, self.date_end = (
            value.precision,
            value.start,
            value.end,
        )

    @property
    def date_display(self) -> str:
        return self.fuzzy_date.display

    @property
    def date_edtf(self) -> str | None:
        return self.fuzzy_date.edtf

    @property
    def date_iso(self) -> str | None:
        """For <time datetime> and schema.org: as precise as known (FuzzyDate.iso)."""
        return self.fuzzy_date.iso

    def normalise_date(self) -> None:
        """Fill in the interval the precision implies (called by save())."""
        if not self.fuzzy_date.errors():
            self.fuzzy_date = self.fuzzy_date

    def clean_date(self) -> None:
        """Friendly messages for what the date constraints forbid; then fill in the interval,
        so that the constraints (checked after clean()) see the stored form."""
        errors = self.fuzzy_date.errors()
        field_names = {"precision": "date_precision", "start": "date_start", "end": "date_end"}
        if errors:
            raise ValidationError({field_names[key]: msg for key, msg in errors.items()})
        self.normalise_date()


class PublicationState(models.TextChoices):
    """Draft → in review → published, and back to draft (unpublish)."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"


def published_condition(prefix: str = "") -> Q:
    """The one definition of "the public may see this" (see `PublishableQuerySet.published`)
    as a condition, on the item at `prefix` ("meeting__": an attendance's meeting), so that
    a query can join the item instead of asking for it in a subquery."""
    return Q(
        **{
            f"{prefix}state": PublicationState.PUBLISHED,
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


class PublishableQuerySet(models.QuerySet):
    def first_rows(self, count: int):
        """The first `count` rows in this queryset's order, as a queryset: their keys are
        read first, along an index that holds the order and what published() reads (a
        covering scan), then the rows. Asked for whole rows at once, SQLite would rather
        filter with the (state, published_at) index and sort every public row (13 ms for
        the three latest of 10,000 milestones, against 0.1 ms)."""
        return self.filter(pk__in=self.values("pk")[:count])

    def published(self):
        """The one definition of "the public may see this": published, at or after its time.

        A publication time in the future is a schedule: the item becomes public at that
        moment, with no job to run.
        """
        return self.filter(published_condition())

    def live(self):
        """Published, now or for a later moment: what a publisher has released, whose
        changes therefore wait for review (publishing/pending.py)."""
        return self.filter(state=PublicationState.PUBLISHED)

    def visible_to(self, user):
        """What `user` may open at an item's public URL: staff preview every item."""
        opts = self.model._meta
        if user.is_active and user.is_staff:
            if user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                return self.all()
        return self.published()

    def drafts(self):
        return self.filter(state=PublicationState.DRAFT)

    def in_review(self):
        return self.filter(state=PublicationState.REVIEW)

    def scheduled(self):
        """Published, but not public yet."""
        return self.filter(state=PublicationState.PUBLISHED, published_at__gt=timezone.now())


class PublishableModel(models.Model):
    """Editorial state shared by everything the public reads."""

    state = models.CharField(
        max_length=12,
        choices=PublicationState.choices,
        default=PublicationState.DRAFT,
        db_index=True,
        help_text="Only published items appear on the public site, feeds and open data.",
    )
    published_at = models.DateTimeField(
        "published at",
        null=True,
        blank=True,
        help_text="Hong Kong time. Set when the item is published; a future time keeps it "
        "hidden until then.",
    )
    needs_review = models.BooleanField(
        "needs review",
        default=False,
        db_index=True,
        help_text="Ticked by the importer when it could not read something for certain "
        "(see the review note). Untick once checked.",
    )
    review_note = models.TextField(
        "review note", blank=True, help_text="Why this needs an editor's attention."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_state_valid",
                condition=Q(state__in=PublicationState.values),
            ),
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_published_has_time",
                condition=~Q(state=PublicationState.PUBLISHED) | Q(published_at__isnull=False),
            ),
        ]

    @property
    def is_public(self) -> bool:
        return (
            self.state == PublicationState.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.state == PublicationState.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def not_public_because(self) -> str:
        """Why readers cannot see this item, for the staff preview's banner ("" if they can)."""
        if self.is_public:
            return ""
        if self.is_scheduled:
            when = date_format(timezone.localtime(self.published_at), "DATETIME_FORMAT")
            return gettext("Scheduled: public from %(when)s (Hong Kong time).") % {"when": when}
        if self.state == PublicationState.REVIEW:
            return gettext("In review: not public.")
        return gettext("Draft: not public.")

    def publish(self, when=None) -> None:
        """Publish now, or at `when`; keeps a publication time already set."""
        self.state = PublicationState.PUBLISHED
        if when is not None:
            self.published_at = when
        elif self.published_at is None:
            self.published_at = timezone.now()

    def unpublish(self) -> None:
        """Back to draft; the publication time goes too, so publishing again is "now" (or
        a new schedule), not the old moment."""
        self.state = PublicationState.DRAFT
        self.published_at = None

    def send_to_review(self) -> None:
        self.state = PublicationState.REVIEW

    def normalise_newlines(self) -> None:
        """Browsers send text areas with CRLF line ends; stored as LF, so that saving a form
        unchanged changes nothing (and a milestone untouched stays "as imported")."""
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if isinstance(field, models.TextField) and isinstance(value, str) and "\r" in value:
                setattr(self, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))

    def normalise_publication_time(self) -> None:
        """Whole seconds, as the admin's form shows and sends the time: otherwise saving the
        form unchanged would drop the microseconds, a phantom change in the history."""
        if self.published_at is not None and self.published_at.microsecond:
            self.published_at = self.published_at.replace(microsecond=0)

    def clean_review(self) -> None:
        """Unticking "needs review" settles it: the note of why (the importer's "no date
        found", say) would otherwise stay behind, stale."""
        if not self.needs_review:
            self.review_note = ""

    def clean_publication(self) -> None:
        """Only a published item has a publication time (a future one is a schedule)."""
        if self.state != PublicationState.PUBLISHED:
            self.published_at = None
        elif self.published_at is None:
            self.published_at = timezone.now()


class SourcedModel(models.Model):
    """Provenance: which seed document the record was imported from, and its original text."""

    source_document = models.CharField(
        "source document",
        max_length=200,
        blank=True,
        db_index=True,
        help_text="File name of the seed document this was imported from.",
    )
    source_fingerprint = models.CharField(
        "fingerprint",
        max_length=64,
        blank=True,
        db_index=True,
        help_text="SHA-256 of the original text (whitespace-normalised).",
    )
    source_text = models.TextField(
        "original text", blank=True, help_text="The text as the importer read it."
    )
    citation = models.CharField(
        max_length=300,
        blank=True,
        help_text="The source as readers see it: publisher, title or reference, date "
        "(“LegCo paper CB(1)150/20-21(05)”, “HKSAR Government press release, 30 August "
        "2024”). Seed documents are provenance for editors, never cited to readers.",
    )
    citation_translations = Translations("citation")

    class Meta:
        abstract = True


class SlugManager(models.Manager):
    """Natural keys by slug, so that fixtures move between databases."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PublishableItem(DatedModel, PublishableModel, SourcedModel):
    """An item of the history with a title, a slug and a page of its own, dated, published
    through review and imported from a source: a milestone, a meeting. The concrete model
    declares `title` and `slug` (their sizes differ) and `url_name`, its page's URL name.

    Its slug follows its title until it is first published (`follow_title`); from then on
    only an editor changes it, and the old address redirects to the new one (SlugRedirect,
    recorded by the admin)."""

    # What never changes, whatever its title or address: the calendar's UID and the feeds'
    # ids are made from it (with DJANGO_SITE_URL's host). Carried by backups and fixtures.
    uid = models.UUIDField("stable identifier", default=uuid.uuid4, unique=True, editable=False)

    url_name = ""  # "milestones:detail": the item's page, found by its slug
    slug_length = 60  # as the importer makes the slug: at most this long, cut at a word
    slug_fallback = "item"  # the slug of a title with no letter or digit a slug can hold

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "slug" in update_fields:
            self.follow_title()
        self.derive_fields()
        super().save(*args, **kwargs)
        self.remember_stored_slug()

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        self.normalise_newlines()
        self.clean_date()
        self.clean_publication()
        self.clean_review()

    def derive_fields(self) -> None:
        """Fields derived from this row alone (save() calls it; so do bulk writes)."""
        self.normalise_date()
        self.normalise_publication_time()

    def schema_org_summary(self, absolute) -> dict:
        """The item as a list names it (schema.org): an Event with its @id, name, address
        and date, as precise as known ("2017-10"), no end invented for a month."""
        data = {
            "@type": "Event",
            "@id": node_id(self, "event"),
            "name": self.local.title,
            "url": absolute(self.get_absolute_url()),
        }
        if self.date_iso:
            data["startDate"] = self.date_iso
        return data

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.remember_stored_slug()
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self.remember_stored_slug()

    def remember_stored_slug(self) -> None:
        """The title, slug and state as stored, for `follow_title` (None for a field not
        read: a row read with only() some fields follows nothing)."""
        self._stored_slug = tuple(self.__dict__.get(name) for name in ("title", "slug", "state"))

    def follow_title(self) -> None:
        """A draft's slug follows its title until the item is first published: saving a
        changed title gives the slug the new title's (unique, as the importer makes it).

        Not when the slug was set by hand: it is then not what the stored title gives
        (`is_derived_slug`), or it is changed in this very save. Not once the item has been
        published (now, scheduled, or at any time before: its revisions say so): readers
        and links know its address. Only for a row read from the database (the importer's
        and a restore's rows, made afresh, keep the slug they are given)."""
        title, slug, state = getattr(self, "_stored_slug", (None, None, None))
        if title is None or slug is None or self.title == title or self.slug != slug:
            return
        field_length = self._meta.get_field("slug").max_length
        derived = is_derived_slug(
            slug,
            title,
            length=self.slug_length,
            fallback=self.slug_fallback,
            field_length=field_length,
        )
        if not derived or state == PublicationState.PUBLISHED or self.has_been_published():
            return
        self.slug = self.free_slug(self.title)

    def has_been_published(self) -> bool:
        """Whether the item is published (now or scheduled) as stored, or ever was."""
        if self.pk is None:
            return False
        model = type(self)
        published = Q(state=PublicationState.PUBLISHED)
        history = getattr(model, "history", None)
        if history is not None:
            published |= Exists(history.filter(id=OuterRef("pk"), state=PublicationState.PUBLISHED))
        return model._base_manager.filter(published, pk=self.pk).exists()

    def free_slug(self, text: str) -> str:
        """The slug `text` gives, numbered if another item has it or once had it (an old
        address still leads to its item)."""
        model = type(self)
        start = slug_base(text, length=self.slug_length, fallback=self.slug_fallback)[:20]
        taken = set(
            model._base_manager.filter(slug__startswith=start)
            .exclude(pk=self.pk)
            .values_list("slug", flat=True)
        )
        taken |= set(
            SlugRedirect.objects.of_model(model)
            .filter(old_slug__startswith=start)
            .exclude(object_id=self.pk)
            .values_list("old_slug", flat=True)
        )
        return unique_slug(text, taken, length=self.slug_length, fallback=self.slug_fallback)


def publishable_models() -> list:
    """Every installed model the public reads through `published()`, in app order."""
    return [model for model in apps.get_models() if issubclass(model, PublishableModel)]


def merge_constraints(*bases) -> list:
    """Constraints of several abstract bases, for a concrete model's Meta."""
    return [constraint for base in bases for constraint in base._meta.constraints]


class PendingChangeQuerySet(models.QuerySet):
    def of(self, obj):
        """The pending change of `obj` (at most one)."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def of_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def due(self, now):
        """Scheduled changes whose moment has come."""
        return self.filter(publish_at__lte=now)


class PendingChange(models.Model):
    """An edit of a live item, waiting for a publisher: the public site, feeds, API, search
    and page cache go on reading the live row until it is published (applied to the row)
    or discarded.

    It is the change form as the browser sent it (`data`: field name -> values, inlines
    included), so publishing replays it through the same form and its checks, and opening
    the item shows it again exactly as it was typed."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    data = models.JSONField(help_text="The change form as sent: field name -> list of values.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted = models.BooleanField(
        "submitted for review",
        default=False,
        help_text="The author asked a publisher to review it.",
    )
    publish_at = models.DateTimeField(
        "scheduled for",
        null=True,
        blank=True,
        help_text="A publisher scheduled it: it goes live at this moment (on the first request "
        "after it; no job needed). Saving the change again cancels the schedule.",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    schedule_error = models.TextField(
        blank=True,
        help_text="Why the schedule could not publish it when it was due (it waits again).",
    )
    created_at = models.DateTimeField("since", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    objects = PendingChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="publishing_one_pending_change_per_item"
            )
        ]

    def __str__(self):
        return f"Pending change of {self.content_type.name} {self.object_id}"

    FIELDS_KEY = "_fields"  # the fields of the form it was saved from
    LIVE_VERSION_KEY = "_live_version"  # the live item's version it was saved against

    def form_data(self) -> QueryDict:
        """`data` as a bound form reads it."""
        query = QueryDict(mutable=True)
        for name, values in self.data.items():
            if name not in (self.FIELDS_KEY, self.LIVE_VERSION_KEY):
                query.setlist(name, values)
        return query

    @property
    def live_version(self) -> str | None:
        return self.data.get(self.LIVE_VERSION_KEY)

    def bound_form(self, form_class, instance):
        """`form_class` bound to the change, with only the fields of the form it was saved
        from: a field its author could not edit (an editor's publication time) is not
        emptied by it, and an unticked box is still an unticked box."""
        form = form_class(self.form_data(), instance=instance)
        fields = self.data.get(self.FIELDS_KEY)
        if fields is not None:
            for name in list(form.fields):
                if name not in fields:
                    del form.fields[name]
        return form


class SlugRedirectQuerySet(models.QuerySet):
    def of_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))

    def of(self, obj):
        """The old addresses of `obj`."""
        return self.of_model(type(obj)).filter(object_id=obj.pk)

    def record(self, obj, old_slug: str) -> None:
        """`obj`'s slug was `old_slug`: that address now leads to it. The address it has now
        is nobody's old one any more (given back to it, or taken over)."""
        content_type = ContentType.objects.get_for_model(obj)
        self.filter(content_type=content_type, old_slug=obj.slug).delete()
        self.update_or_create(
            content_type=content_type, old_slug=old_slug, defaults={"object_id": obj.pk}
        )


class SlugRedirect(models.Model):
    """An address an item had before an editor changed its slug. Its page answers there
    with a permanent redirect (301) to the item's address now, however often the slug has
    changed since (it names the item, not the next slug). An address is one item's at a
    time: the item that has it as its slug, else the one that had it last."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    old_slug = models.SlugField("old slug", max_length=120)
    created_at = models.DateTimeField("moved", auto_now_add=True)

    objects = SlugRedirectQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "old address"
        verbose_name_plural = "old addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "old_slug"], name="publishing_old_slug_unique_per_model"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.content_type.name} {self.old_slug!r} (now item {self.object_id})"
