"""The published milestones in /sitemap.xml, in every language, with hreflang alternates."""

from milestones.models import Milestone
from publishing.sitemaps import PagedI18nSitemap, latest_lastmod_of


class MilestoneSitemap(PagedI18nSitemap):
    def items(self):
        return Milestone.objects.published().only("slug", "published_at", "updated_at")

    def lastmod(self, item):
        """The later of the last edit and the publication (a scheduled item appears then)."""
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        return latest_lastmod_of(Milestone.objects.published())
