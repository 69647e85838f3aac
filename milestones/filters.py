import django_filters
from django.db.models import Q

from hsitp_site.dating import DatePrecision
from milestones.models import Milestone


class MilestoneFilter(django_filters.FilterSet):
    """The timeline's filters: a year or a range of years, words, precision, order."""

    q = django_filters.CharFilter(label="Words", method="filter_words")
    year = django_filters.NumberFilter(
        label="Year", field_name="date_start", lookup_expr="year", min_value=1900, max_value=2200
    )
    year_from = django_filters.NumberFilter(
        label="From year",
        field_name="date_start",
        lookup_expr="year__gte",
        min_value=1900,
        max_value=2200,
    )
    year_to = django_filters.NumberFilter(
        label="To year",
        field_name="date_start",
        lookup_expr="year__lte",
        min_value=1900,
        max_value=2200,
    )
    precision = django_filters.ChoiceFilter(
        label="Date known to",
        field_name="date_precision",
        choices=DatePrecision.choices,
        empty_label="Any precision",
    )
    order = django_filters.OrderingFilter(
        label="Order",
        fields=(("sort_key", "oldest"),),
        field_labels={"sort_key": "Oldest first", "-sort_key": "Newest first"},
        choices=[("oldest", "Oldest first"), ("-oldest", "Newest first")],
        empty_label=None,
    )

    class Meta:
        model = Milestone
        fields = ["q", "year", "year_from", "year_to", "precision"]

    def filter_words(self, queryset, name, value):
        for word in value.split():
            queryset = queryset.filter(Q(title__icontains=word) | Q(body__icontains=word))
        return queryset
