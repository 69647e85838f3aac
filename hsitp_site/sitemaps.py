"""/sitemap.xml: every public page in English and Traditional Chinese, with hreflang
alternates; and /robots.txt, which points crawlers to it.

/sitemap.xml is a sitemap index: it lists the sections (/sitemap-milestones.xml and so on),
each in pages of 1,000 items (the sitemaps' `limit`; ?p=2 for the next), so that no response
grows with the history
(at 10,000 milestones a single sitemap took seconds to render and weighed 8 MB).

URLs use the request's host and scheme (django.contrib.sites is not installed, so Django
uses RequestSite).
"""

from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from meetings.sitemaps import MeetingSitemap, OrganisationSitemap, PersonSitemap
from milestones.sitemaps import MilestoneSitemap


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


# Section name → sitemap class (a new instance for each request).
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "milestones": MilestoneSitemap,
    "meetings": MeetingSitemap,
    "people": PersonSitemap,
    "organisations": OrganisationSitemap,
}


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
