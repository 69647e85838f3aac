"""schema.org structured data (JSON-LD) of the timeline and the milestones' pages."""

from django.urls import reverse
from django.utils.translation import gettext

from pagecache.fragments import schema_org_summaries
from publishing.structured_data import breadcrumbs, graph, page_list, park


def _timeline_crumb() -> tuple[str, str]:
    return gettext("Timeline"), reverse("milestones:timeline")


def timeline_data(absolute, milestones, page_obj, paginator) -> dict:
    """The timeline's page: its milestones (those of this page, numbered as on the whole
    timeline) as an ItemList, and where the page is."""
    items = schema_org_summaries(milestones, absolute)
    return graph(
        page_list(items, page_obj, paginator, name=gettext("Timeline")),
        breadcrumbs(absolute, _timeline_crumb()),
    )


def milestone_data(absolute, milestone) -> dict:
    """A milestone's page: the milestone, the park it is about, and where the page is."""
    return graph(
        milestone.schema_org(absolute),
        park(absolute),
        breadcrumbs(
            absolute, _timeline_crumb(), (milestone.local.title, milestone.get_absolute_url())
        ),
    )
