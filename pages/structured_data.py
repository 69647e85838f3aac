"""schema.org structured data (JSON-LD) of the home page."""

from django.urls import reverse
from django.utils.translation import gettext

from publishing.structured_data import graph, home_id, park, reference


def home_data(absolute) -> dict:
    """The site, a WebSite about the park, and the park (a Place)."""
    place = park(absolute)
    website = {
        "@type": "WebSite",
        "@id": home_id("website"),
        "name": gettext("HSITP History"),
        "url": absolute(reverse("home")),
        "about": reference(place),
    }
    return graph(website, place)
