"""What the RSS and Atom feeds of milestones and meetings share.

A feed lists the `size` most recently published public items, newest publication first, in
one query (drafts and scheduled items never). Each item links to its page (as the request
names the site). Its id (the RSS guid, the Atom id) is `urn:uuid:` and the item's stable
identifier (PublishableItem.uid), which neither a new address nor another host name
changes, so that feed readers never show an item again as new; the feed's own id is its
page on the site's canonical origin (settings.SITE_URL, DJANGO_SITE_URL). Descriptions are
HTML, as RSS and Atom readers expect. Under /zh-hant/ and /zh-hans/ the texts are Chinese
(English where none is written yet) and the feed says its language.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from translations.fields import with_translations

FEED_SIZE = 50


class PublishedItemsFeed(Feed):
    """RSS 2.0 (Django's default feed type) of a publishable model's latest public items."""

    model = None
    size = FEED_SIZE
    fields = ()  # the columns items() loads; the rest (full texts) stay in the database
    author_name = _("HSITP History")
    item_guid_is_permalink = False  # urn:uuid:…, not an address

    def published_items(self):
        """Every public item, latest published first, with the columns the feed reads."""
        queryset = self.model.objects.published().order_by("-published_at", "-pk")
        if self.fields:
            fields = with_translations(self.model, self.fields)
            queryset = queryset.only(*fields, "slug", "uid", "published_at", "updated_at")
        return queryset

    def items(self):
        return self.published_items()[: self.size]

    def item_title(self, item):
        return item.local.title

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return item.uid.urn

    def feed_guid(self, obj=None):
        """The feed's Atom id: its page (`link`) on the canonical origin."""
        return settings.SITE_URL + str(self._get_dynamic_attr("link", obj))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at


class AtomMixin:
    """The same feed as Atom 1.0 (its subtitle is the RSS description)."""

    feed_type = Atom1Feed

    def subtitle(self):
        return self.description
