"""Top-level URL configuration.

Pages for readers are in `i18n_patterns`: English at the plain URLs, Traditional Chinese
under /zh-hant/, Simplified under /zh-hans/; so are the feeds and the calendar, whose texts
are in the language of their address. The API (which takes ?lang=), the sitemap and the
admin are language-neutral.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from meetings import views as meeting_views
from meetings.feeds import MeetingAtomFeed, MeetingFeed, SeriesAtomFeed, SeriesFeed
from meetings.sitemaps import MeetingSitemap, OrganisationSitemap, PersonSitemap, SeriesSitemap
from milestones.feeds import MilestoneAtomFeed, MilestoneFeed
from milestones.sitemaps import MilestoneSitemap
from opendata.views import ApiIndexView
from pages.sitemaps import StaticPagesSitemap, robots_txt
from pages.views import HomeView
from search.views import SearchView

# Section name → sitemap class (a new instance for each request).
SITEMAPS = {
    "pages": StaticPagesSitemap,
    "milestones": MilestoneSitemap,
    "meetings": MeetingSitemap,
    "series": SeriesSitemap,
    "people": PersonSitemap,
    "organisations": OrganisationSitemap,
}

feed_patterns = (
    [
        path("milestones/", MilestoneFeed(), name="milestones"),
        path("milestones/atom/", MilestoneAtomFeed(), name="milestones-atom"),
        path("meetings/", MeetingFeed(), name="meetings"),
        path("meetings/atom/", MeetingAtomFeed(), name="meetings-atom"),
        path("series/<slug:slug>/", SeriesFeed(), name="series"),
        path("series/<slug:slug>/atom/", SeriesAtomFeed(), name="series-atom"),
    ],
    "feeds",
)

handler403 = "publishing.views.permission_denied"  # in the admin: why, and what to do instead

# Language-neutral: data for machines, and the editors' desk.
urlpatterns = [
    path("api/", include("opendata.urls")),
    # An index of sections, each in pages of at most 1,000 items: no response grows with
    # the history (publishing/sitemaps.py).
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("robots.txt", robots_txt, name="robots"),
    path("admin/", admin.site.urls),
]

# Pages for readers, in each language.
urlpatterns += i18n_patterns(
    path("", HomeView.as_view(), name="home"),
    path("milestones/", include("milestones.urls")),
    path("", include("meetings.urls")),
    path("search/", SearchView.as_view(), name="search"),
    # The open-data page (also JSON, by content negotiation); its endpoints are above.
    path("api/", ApiIndexView.as_view(), name="open-data"),
    # Feeds and the calendar, in the language of their address (/zh-hant/meetings.ics).
    path("meetings.ics", meeting_views.MeetingCalendarView.as_view(), name="calendar"),
    path("feeds/", include(feed_patterns)),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
