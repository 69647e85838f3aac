"""RSS 2.0 and Atom 1.0 feeds of the most recently published milestones."""

from django.template.defaultfilters import linebreaks_filter
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from milestones.models import Milestone
from publishing.feeds import AtomMixin, PublishedItemsFeed

DATE_FIELDS = ("date_precision", "date_start", "date_end")


class MilestoneFeed(PublishedItemsFeed):
    """GET /feeds/milestones/: the 50 latest published milestones as RSS 2.0."""

    model = Milestone
    fields = ("title", "body", *DATE_FIELDS)
    title = _("HSITP History: milestones")
    description = _(
        "Milestones in the history of the Hong Kong-Shenzhen Innovation and Technology Park, "
        "latest published first."
    )
    link = reverse_lazy("milestones:timeline")

    def item_description(self, item):
        """The date as written, then the body."""
        return format_html(
            "<p>{}</p>{}", item.date_display, linebreaks_filter(item.local.body, autoescape=True)
        )


class MilestoneAtomFeed(AtomMixin, MilestoneFeed):
    """GET /feeds/milestones/atom/: the same items as Atom 1.0."""
