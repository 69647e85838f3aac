"""schema.org structured data (JSON-LD) that every page type shares: the graph, the
identifiers of its nodes, breadcrumbs, item lists and the park itself.

A view sets `context["structured_data"]` to `graph(...)` and base.html prints it
(`ld_json`). Addresses are made absolute by the function a view passes (`absolute`, the
request's `build_absolute_uri`), the one way the site makes them. A node's `@id` is its
page's address in the site's default language with a fragment ("…/people/sun-dong/#person"):
the English and Chinese pages describe one person, with one identifier, and an attendee
on a meeting's page is the node of the attendee's own page.

Only what the data states is said: no date more precise than known (`date_iso`), no
`endDate`, no `eventStatus` where nothing says so, no coordinates.
"""

from collections.abc import Callable, Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

CONTEXT = "https://schema.org"

# The park as the site's home page describes it (FACTS: the Hong Kong-Shenzhen Innovation
# and Technology Park is in the Lok Ma Chau Loop, Hong Kong). No coordinates: none are in
# the record the site keeps.
PARK_NAME = "Hong Kong-Shenzhen Innovation and Technology Park"
PARK_LOCALITY = "Lok Ma Chau Loop"
PARK_REGION = "Hong Kong"

Absolute = Callable[[str], str]  # a path to an absolute address: request.build_absolute_uri


def graph(*nodes: dict | None) -> dict:
    """The JSON-LD document of a page: its nodes (those given) in one @graph."""
    return {"@context": CONTEXT, "@graph": [node for node in nodes if node]}


def node_id(obj, fragment: str) -> str:
    """The @id of what `obj`'s page describes: that page's address in the default language
    on the site's canonical origin (settings.SITE_URL), with `fragment` ("person",
    "organisation", "event", "series"), whatever the page's language or the host the
    request named: an identifier, where `url` is the address the reader is at."""
    with translation.override(settings.LANGUAGE_CODE):
        path = obj.get_absolute_url()
    return f"{settings.SITE_URL}{path}#{fragment}"


def home_id(fragment: str) -> str:
    """The @id of something the home page describes: the site ("website"), the park."""
    with translation.override(settings.LANGUAGE_CODE):
        path = reverse("home")
    return f"{settings.SITE_URL}{path}#{fragment}"


def park_id() -> str:
    return home_id("park")


def park(absolute: Absolute) -> dict:
    """The park, a Place: its name and the address the public record gives."""
    return {
        "@type": "Place",
        "@id": park_id(),
        "name": PARK_NAME,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": PARK_LOCALITY,
            "addressRegion": PARK_REGION,
        },
    }


def reference(node: dict) -> dict:
    """A node as another node links to it: its type and @id (its page holds the rest)."""
    return {"@type": node["@type"], "@id": node["@id"]}


def one_or_many(values: Iterable[str]):
    """A property's value from distinct, non-empty `values`: None, one string, or a list."""
    values = list(dict.fromkeys(str(value) for value in values if value))
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def breadcrumbs(absolute: Absolute, *trail: tuple[str, str]) -> dict:
    """A BreadcrumbList from the home page down: (name, path) for each page below it, the
    last being the page itself."""
    crumbs = [(gettext("Home"), reverse("home")), *trail]
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": str(name), "item": absolute(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def item_list(
    items: Iterable[dict],
    *,
    name: str = "",
    start: int = 1,
    total: int | None = None,
) -> dict:
    """An ItemList of `items` (nodes, or references to them) at their positions from
    `start` (a page of a longer list goes on from the pages before it); `total` is the
    whole list's length (schema.org's numberOfItems counts every page)."""
    data = {"@type": "ItemList"}
    if name:
        data["name"] = str(name)
    data["itemListElement"] = [
        {"@type": "ListItem", "position": position, "item": item}
        for position, item in enumerate(items, start=start)
    ]
    if total is not None:
        data["numberOfItems"] = total
    return data


def page_list(items: Iterable[dict], page_obj=None, paginator=None, **kwargs) -> dict:
    """An ItemList of a page's `items`: of a paginated list's page (`page_obj`), numbered
    as on the whole list, whose length it gives; else the whole list."""
    items = list(items)
    if page_obj is None:
        return item_list(items, total=len(items), **kwargs)
    return item_list(items, start=page_obj.start_index(), total=paginator.count, **kwargs)
