"""schema.org structured data (JSON-LD) of the search page: each kind's results as an
ItemList (best first), and where the page is."""

from django.urls import reverse
from django.utils.translation import gettext

from publishing.structured_data import breadcrumbs, graph, item_list

# The schema.org type of each kind of result (an organisation's page says whether it is a
# GovernmentOrganization, which its result does not know: Organization is true of both).
RESULT_TYPE = {
    "milestones": "Event",
    "meetings": "Event",
    "people": "Person",
    "organisations": "Organization",
}


def _result(absolute, kind, hit) -> dict:
    return {
        "@type": RESULT_TYPE[kind],
        "name": hit.name,  # as written: without the highlighting
        "url": absolute(hit.url),
    }


def search_data(absolute, groups) -> dict:
    """The results shown (at most LIMIT_PER_KIND a kind), with each kind's total."""
    lists = [
        item_list(
            [_result(absolute, group.kind, hit) for hit in group.hits],
            name=group.label,
            total=group.total,
        )
        for group in groups
        if group.hits
    ]
    return graph(*lists, breadcrumbs(absolute, (gettext("Search"), reverse("search"))))
