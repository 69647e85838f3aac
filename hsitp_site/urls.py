"""Top-level URL configuration."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from hsitp_site import views
from meetings import views as meeting_views
from milestones import views as milestone_views

api_patterns = (
    [
        path("milestones/", milestone_views.MilestoneListAPI.as_view(), name="milestones"),
        path("meetings/", meeting_views.MeetingListAPI.as_view(), name="meetings"),
    ],
    "api",
)

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("milestones/", include("milestones.urls")),
    path("", include("meetings.urls")),
    path("api/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
