"""Template context shared by every page: navigation, languages, canonical URL."""

from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from translations.languages import OG_LOCALE, PAGE_TAG, TEXT_TAG, normalise

# (label, URL name): the main navigation, in order. A section is "current" when the
# request path starts with its URL.
NAVIGATION = [
    (_("Timeline"), "milestones:timeline"),
    (_("Meetings"), "meetings:list"),
    (_("People"), "meetings:people"),
    (_("Organisations"), "meetings:organisations"),
    (_("Search"), "search"),
]


def navigation(request):
    """The main navigation, with the current section marked for aria-current."""
    items = []
    for label, url_name in NAVIGATION:
        url = reverse(url_name)
        items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"nav_items": items}


def languages(request):
    """This page in every language (for the switch and hreflang), and its canonical URL."""
    current = get_language()
    path = request.get_full_path()
    alternates = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        alternates.append(
            {
                "code": code,
                "hreflang": TEXT_TAG[code],
                "name": info["name_local"],
                "url": request.build_absolute_uri(translate_url(path, code)),
                "current": code == current,
            }
        )
    default_url = request.build_absolute_uri(translate_url(path, settings.LANGUAGE_CODE))
    return {
        "language_alternates": alternates,
        "x_default_url": default_url,
        "canonical_url": request.build_absolute_uri(request.path),
        "og_locale": OG_LOCALE[normalise(current)],
        "page_lang": PAGE_TAG[normalise(current)],
    }
