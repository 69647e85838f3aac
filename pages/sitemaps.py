"""The sitemap section of the list pages (home, timeline, meetings, people, organisations),
and /robots.txt, which points crawlers to /sitemap.xml.

/sitemap.xml is a sitemap index of sections (hsitp_site/urls.py puts them together: this one
and each domain app's), each in pages of 1,000 items (publishing/sitemaps.py), so that no
response grows with the history; every public page is listed in English and Traditional
Chinese with hreflang alternates. URLs use the request's host and scheme
(django.contrib.sites is not installed, so Django uses RequestSite).
"""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe


class StaticPagesSitemap(Sitemap):
    """The pages that list things. No lastmod: they change whenever an item is published,
    unpublished or deleted, which no single time records."""

    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return [
            "home",
            "milestones:timeline",
            "meetings:list",
            "meetings:people",
            "meetings:organisations",
        ]

    def location(self, item):
        return reverse(item)


@require_safe
def robots_txt(request):
    """GET /robots.txt: everything may be crawled except the editors' desk."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Allow: /",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
