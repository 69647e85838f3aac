"""RSS 2.0 and Atom 1.0 feeds of the most recently published meetings."""

from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, MeetingSeries, Mode
from publishing.feeds import AtomMixin, PublishedItemsFeed

DATE_FIELDS = ("date_precision", "date_start", "date_end")


class MeetingFeed(PublishedItemsFeed):
    """GET /feeds/meetings/: the 50 latest published meetings as RSS 2.0."""

    model = Meeting
    fields = ("title", "place", "mode", "summary", *DATE_FIELDS)
    title = _("HSITP History: meetings")
    description = _(
        "Meetings between Hong Kong and Shenzhen on the Hong Kong-Shenzhen Innovation and "
        "Technology Park, latest published first."
    )
    link = reverse_lazy("meetings:list")

    def item_description(self, item):
        """The date as written, the place (or the mode when no place is given), the summary."""
        place = item.local.place or (item.get_mode_display() if item.mode == Mode.VIDEO else "")
        when_where = (
            format_html("{} · {}", item.date_display, place) if place else item.date_display
        )
        return format_html(
            "<p>{}</p>{}", when_where, linebreaks_filter(item.local.summary, autoescape=True)
        )


class MeetingAtomFeed(AtomMixin, MeetingFeed):
    """GET /feeds/meetings/atom/: the same items as Atom 1.0."""


class SeriesFeed(MeetingFeed):
    """GET /feeds/series/<slug>/: the 50 latest published meetings of one series."""

    def get_object(self, request, slug):
        return get_object_or_404(MeetingSeries.objects.public(), slug=slug)

    def title(self, series):
        return _("HSITP History: %(series)s") % {"series": series.local.name}

    def link(self, series):
        return series.get_absolute_url()

    def description(self, series):
        return series.local.description or series.local.name

    def items(self, series):
        return self.published_items().filter(series=series)[: self.size]


class SeriesAtomFeed(AtomMixin, SeriesFeed):
    """GET /feeds/series/<slug>/atom/: the same items as Atom 1.0."""

    def subtitle(self, series):
        return self.description(series)
