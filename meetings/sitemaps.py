"""Published meetings, and the people and organisations who have a public page, in
/sitemap.xml, in every language, with hreflang alternates."""

from meetings.models import Meeting, MeetingSeries, Organization, Person
from publishing.sitemaps import PagedI18nSitemap, latest_lastmod_of


class MeetingSitemap(PagedI18nSitemap):
    def items(self):
        return Meeting.objects.published().only("slug", "published_at", "updated_at").order_by("pk")

    def lastmod(self, item):
        """The later of the last edit and the publication (a scheduled item appears then)."""
        return max(item.updated_at, item.published_at)

    def get_latest_lastmod(self):
        return latest_lastmod_of(Meeting.objects.published())


class SeriesSitemap(PagedI18nSitemap):
    """Series with a published meeting (no lastmod: their pages change with the meetings)."""

    def items(self):
        return MeetingSeries.objects.public().only("slug").order_by("slug")


class PersonSitemap(PagedI18nSitemap):
    """People who attended a published meeting (no lastmod: a person's page changes with
    the meetings, and people carry no modification time)."""

    def items(self):
        return Person.objects.public().only("slug").order_by("slug")


class OrganisationSitemap(PagedI18nSitemap):
    """Organisations at a published meeting (no lastmod, as for people)."""

    def items(self):
        return Organization.objects.public().only("slug").order_by("slug")
