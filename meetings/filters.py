import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, MeetingSeries, Mode, Organization
from meetings.widgets import LongSelect
from publishing.filters import year_filter


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
    place = django_filters.CharFilter(label=_("Place"), field_name="place", lookup_expr="iexact")
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
