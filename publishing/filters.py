"""The public lists' filters that every dated thing shares (django-filter)."""

import django_filters

FIRST_YEAR, LAST_YEAR = 1900, 2200  # bounds that keep a typo from reaching the database


def year_filter(label, lookup: str = "year") -> django_filters.NumberFilter:
    """A filter on the year the date starts in: `year` (that year), `year__gte`, `year__lte`."""
    return django_filters.NumberFilter(
        label=label,
        field_name="date_start",
        lookup_expr=lookup,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
