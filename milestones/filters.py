from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
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
    )

    class Meta:
        model = Milestone
        fields = ["q", "year", "year_from", "year_to", "precision"]

    def filter_words(self, queryset, name, value):
        """Every word in the title or body, in any language (a Simplified word also in its
        Traditional spelling: 创新 finds 創新)."""
        fields = with_translations(Milestone, ["title", "body"])
        for word in value.split():
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__icontains": w}) for f in fields for w in spellings(word)))
            )
        return queryset
