"""schema.org structured data (JSON-LD) of the meetings' pages, the series' and those of
the people and bodies who attended them."""

from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from meetings.models import Person
from pagecache.fragments import schema_org_summaries
from publishing.structured_data import breadcrumbs, graph, page_list

MEETINGS = (gettext_lazy("Meetings"), "meetings:list")
PEOPLE = (gettext_lazy("People"), "meetings:people")
ORGANISATIONS = (gettext_lazy("Organisations"), "meetings:organisations")


def _crumb(section) -> tuple[str, str]:
    label, url_name = section
    return str(label), reverse(url_name)


def _section(model):
    return PEOPLE if model is Person else ORGANISATIONS


def meeting_list_data(absolute, meetings, page_obj, paginator) -> dict:
    """The meetings' list: this page's meetings, numbered as on the whole list."""
    items = schema_org_summaries(meetings, absolute)
    return graph(
        page_list(items, page_obj, paginator, name=gettext("Meetings")),
        breadcrumbs(absolute, _crumb(MEETINGS)),
    )


def meeting_data(absolute, meeting) -> dict:
    """A meeting's page: the meeting with its attendees, and where the page is."""
    return graph(
        meeting.schema_org(absolute),
        breadcrumbs(absolute, _crumb(MEETINGS), (meeting.local.title, meeting.get_absolute_url())),
    )


def series_data(absolute, series, meetings) -> dict:
    """A series' page: the series, its meetings in the page's order, where the page is."""
    items = schema_org_summaries(meetings, absolute)
    return graph(
        series.schema_org(absolute, meetings),
        page_list(items, name=series.local.name),
        breadcrumbs(absolute, _crumb(MEETINGS), (series.local.name, series.get_absolute_url())),
    )


def attendee_list_data(absolute, model, attendees, page_obj, paginator) -> dict:
    """The people's or the organisations' list: this page's, numbered as on the whole."""
    label, _url_name = _crumb(_section(model))
    items = schema_org_summaries(attendees, absolute)
    return graph(
        page_list(items, page_obj, paginator, name=label),
        breadcrumbs(absolute, _crumb(_section(model))),
    )


def attendee_data(absolute, attendee, node: dict) -> dict:
    """A person's or a body's page: its `node` (the attendee's schema_org()), and where
    the page is."""
    return graph(
        node,
        breadcrumbs(
            absolute,
            _crumb(_section(type(attendee))),
            (attendee.local_name, attendee.get_absolute_url()),
        ),
    )
