from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, MeetingSeries, Mode, Organization
from meetings.widgets import LongSelect
from publishing.filters import year_filter
from translations.fields import with_translations
from translations.languages import spellings


def published_series(request=None):
    """Only series with a published meeting are offered: a draft's series stays unseen."""
    return MeetingSeries.objects.public()


def published_organisations(request=None):
    """Only bodies at a published meeting are offered (their pages 404 otherwise)."""
    return Organization.objects.public()


class LocalNameField(forms.ModelChoiceField):
    """Choices named in the page's language (a Localized label: the widget marks English)."""

    def label_from_instance(self, obj):
        return getattr(obj, "local_name", None) or obj.local.name


class LocalNameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = LocalNameField


class MeetingFilter(django_filters.FilterSet):
    year = year_filter(_("Year"))
    series = LocalNameChoiceFilter(
        label=_("Series"),
        field_name="series",
        queryset=published_series,
        to_field_name="slug",
        empty_label=_("All series"),
        widget=LongSelect,
    )
    place = django_filters.CharFilter(label=_("Place"), method="filter_place")
    mode = django_filters.ChoiceFilter(
        label=_("Held"),
        field_name="mode",
        choices=[c for c in Mode.choices if c[0]],
        empty_label=_("In person or by video"),
    )
    organisation = LocalNameChoiceFilter(
        label=_("Organisation"),
        field_name="attendances__organisation",
        queryset=published_organisations,
        to_field_name="slug",
        empty_label=_("Any organisation"),
        distinct=True,
        widget=LongSelect,
    )

    class Meta:
        model = Meeting
        fields = ["year", "series", "place", "mode", "organisation"]

    def filter_place(self, queryset, name, value):
        """The place as written in any language, ignoring case (深圳 or Shenzhen)."""
        fields = with_translations(Meeting, ["place"])
        return queryset.filter(
            reduce(or_, (Q(**{f"{f}__iexact": v}) for f in fields for v in spellings(value)))
        )
