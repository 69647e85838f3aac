from dataclasses import dataclass
from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from milestones.models import Milestone
from publishing.dating import DatePrecision
from publishing.filters import year_filter
from publishing.text import MAX_QUERY_LENGTH
from translations.fields import with_translations
from translations.languages import spellings


class MilestoneFilter(django_filters.FilterSet):
    """The timeline's filters: a year or a range of years, words, precision, order."""

    q = django_filters.CharFilter(
        label=_("Words"), method="filter_words", max_length=MAX_QUERY_LENGTH
    )
    year = year_filter(_("Year"))
    year_from = year_filter(_("From year"), "year__gte")
    year_to = year_filter(_("To year"), "year__lte")
    precision = django_filters.ChoiceFilter(
        label=_("Date known to"),
        field_name="date_precision",
        choices=DatePrecision.choices,
        empty_label=_("Any precision"),
    )
    order = django_filters.OrderingFilter(
        label=_("Order"),
        fields=(("sort_key", "oldest"),),
        field_labels={"sort_key": _("Oldest first"), "-sort_key": _("Newest first")},
        choices=[("oldest", _("Oldest first")), ("-oldest", _("Newest first"))],
        empty_label=None,
        initial="oldest",  # the select shows the order the reader sees (unbound form)
    )

    class Meta:
        model = Milestone
        fields = ["q", "year", "year_from", "year_to", "precision"]

    def __init__(self, data=None, *args, **kwargs):
        # The order select shows its choice when the reader has made none (filters but no
        # order): oldest first, the order the list is in.
        if data is not None and not data.get("order"):
            data = data.copy()
            data["order"] = "oldest"
        super().__init__(data, *args, **kwargs)

    def filter_words(self, queryset, name, value):
        """Every word in the title or body, in any language (a Simplified word also in its
        Traditional spelling: 创新 finds 創新)."""
        fields = with_translations(Milestone, ["title", "body"])
        for word in value.split():
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields for w in spellings(word)))
            )
        return queryset


# The year chips above the timeline ----------------------------------------------------------

# What a chip replaces: the other year filters, the page, and "date to be confirmed" (which is
# a chip of its own); every other filter (words, precision, order) is kept.
YEAR_FILTERS = ("year", "year_from", "year_to")
UNDATED = DatePrecision.UNKNOWN.value


@dataclass(frozen=True)
class Chip:
    label: str
    url: str  # the timeline's path and the filters it keeps: "/milestones/?q=park&year=2021"
    current: bool


def year_chips(path: str, params: QueryDict, years) -> list[Chip]:
    """ "All years", one chip a year with published milestones, and "Date to be confirmed",
    each keeping the reader's other filters; the chosen one is `current`."""
    kept = params.copy()
    for name in (*YEAR_FILTERS, "page"):
        kept.pop(name, None)
    undated_chosen = kept.get("precision") == UNDATED
    if undated_chosen:
        kept.pop("precision")
    chosen_year = params.get("year", "")
    whole = not (undated_chosen or any(params.get(name) for name in YEAR_FILTERS))

    def url(**extra) -> str:
        query = kept.copy()
        query.update(extra)
        return f"{path}?{query.urlencode()}" if query else path

    return [
        Chip(_("All years"), url(), whole),
        *(Chip(str(year), url(year=year), chosen_year == str(year)) for year in years),
        Chip(_("Date to be confirmed"), url(precision=UNDATED), undated_chosen),
    ]
