from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.views.generic import DetailView
from django_filters.views import FilterView

from milestones.filters import MilestoneFilter, year_chips
from milestones.models import Milestone
from milestones.structured_data import milestone_data, timeline_data
from pagecache.fragments import list_version
from publishing.alongside import alongside
from publishing.mentions import link_mentions, mention_targets
from publishing.pagination import MirroredPaginator
from publishing.views import MovedSlugMixin, PreviewMixin, PublicQuerysetMixin
from translations.fields import with_translations
from translations.languages import ENGLISH, LANG_PARAMETER, SIMPLIFIED, TRADITIONAL, normalise


class PublishedMilestoneMixin(PublicQuerysetMixin):
    """Every public view of milestones starts here: published ones only."""

    model = Milestone

    def get_queryset(self):
        return super().get_queryset().select_related("lead_image")


# TimelineJS's interface texts for each page language (its own locale files, self-hosted).
TIMELINEJS_LANGUAGE = {TRADITIONAL: "zh-tw", SIMPLIFIED: "zh-cn"}
# What the visual timeline leaves to the list: which page, and in what order (it has both ends).
LIST_ONLY_PARAMETERS = ("page", "order")


def visual_timeline(request) -> dict:
    """Where the visual timeline (hsitp_site/static/js/visual-timeline.js) reads its data,
    /api/timeline.json with the reader's filters, in the page's language, and its texts."""
    params = request.GET.copy()
    for name in LIST_ONLY_PARAMETERS:
        params.pop(name, None)
    language = normalise(get_language())
    if language != ENGLISH:
        params["lang"] = LANG_PARAMETER[language]
    locale = TIMELINEJS_LANGUAGE.get(language)
    return {
        "source": f"{reverse('api:timeline')}?{params.urlencode()}".rstrip("?"),
        "language": static(f"vendor/timelinejs/js/locale/{locale}.json") if locale else "en",
        "script_path": static("vendor/timelinejs/js/"),
    }


# What an entry of the timeline shows (and its JSON-LD item): the rest of each row is not
# read, converted, nor digested into its fragment's version.
ENTRY_FIELDS = (
    *with_translations(Milestone, ("title", "body")),
    "slug",
    "sort_key",
    "date_precision",
    "date_start",
    "date_end",
    "lead_image",
)


class TimelineView(PublishedMilestoneMixin, FilterView):
    filterset_class = MilestoneFilter
    template_name = "milestones/timeline.html"
    paginate_by = 100
    paginator_class = MirroredPaginator

    def get_queryset(self):
        return super().get_queryset().chronological().only(*ENTRY_FIELDS)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        years_on_page = {m.year for m in context["object_list"]}
        context["year_chips"] = year_chips(
            self.request.path, self.request.GET, Milestone.objects.published().years()
        )
        # Only where there is something to draw: a page of undated milestones has not.
        has_dated = any(year is not None for year in years_on_page)
        context["visual_timeline"] = visual_timeline(self.request) if has_dated else None
        context["is_filtered"] = any(
            value for key, value in self.request.GET.items() if key != "page"
        )
        # The meetings held in each year on this page, beside its milestones (not when the
        # reader narrowed the milestones by their words or precision: those are not theirs).
        narrowed = any(self.request.GET.get(key) for key in ("q", "precision"))
        context["alongside"] = {} if narrowed else alongside(years_on_page)
        context["structured_data"] = timeline_data(
            self.request.build_absolute_uri,
            context["object_list"],
            context["page_obj"],
            context["paginator"],
        )
        # The list's fragment: what it shows is its entries and the meetings beside them.
        beside = [
            item
            for _year, kinds in sorted(context["alongside"].items())
            for _kind, items in sorted(kinds.items())
            for item in items
        ]
        context["list_version"] = list_version(context["object_list"], beside)
        return context


class MilestoneDetailView(MovedSlugMixin, PreviewMixin, PublishedMilestoneMixin, DetailView):
    template_name = "milestones/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        milestone = self.object
        fields = with_translations(Milestone, ("title", "slug", "sort_key"))
        published = Milestone.objects.published().only(*fields)
        key = milestone.sort_key
        before = published.filter(sort_key__lt=key).order_by("-sort_key")
        after = published.filter(sort_key__gt=key).order_by("sort_key")
        context["previous"] = before.first_rows(1).first()
        context["next"] = after.first_rows(1).first()
        # Names are found in the English and the Traditional text (one query per kind, as
        # before) and linked in the text the page shows.
        targets = mention_targets(f"{milestone.body}\n{milestone.body_zh_hant}")
        context["body_html"] = link_mentions(milestone.local.body, targets)
        context["structured_data"] = milestone_data(self.request.build_absolute_uri, milestone)
        if milestone.lead_image:
            context["og_image_url"] = self.request.build_absolute_uri(
                milestone.lead_image.rendition_url("large")
            )
        return context
