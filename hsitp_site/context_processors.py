"""Template context shared by every page."""

from django.urls import reverse

# (label, URL name): the main navigation, in order. A section is "current" when the
# request path starts with its URL (the home page only when it is the path itself).
NAVIGATION = [
    ("Timeline", "milestones:timeline"),
    ("Meetings", "meetings:list"),
]


def navigation(request):
    """The main navigation, with the current section marked for aria-current."""
    items = []
    for label, url_name in NAVIGATION:
        url = reverse(url_name)
        current = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "current": current})
    return {"nav_items": items}
