"""RSS 2.0 and Atom 1.0 feeds of the most recently published meetings."""

from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting, Mode
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
