"""The published milestones in /sitemap.xml, in every language, with hreflang alternates."""

from django.contrib.sitemaps import Sitemap

from milestones.models import Milestone


class MilestoneSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Milestone.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        """The later of the last edit and the publication (a scheduled item appears then)."""
        return max(item.updated_at, item.published_at)
