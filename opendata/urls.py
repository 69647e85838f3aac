"""/api/...: the open-data endpoints (README.md, "Public pages and open data"). The index
page of them, /api/, is a page for readers in each language (hsitp_site/urls.py, named
"open-data"); these are the same in every language."""

from django.urls import path

from opendata import views

app_name = "api"
urlpatterns = [
    path("milestones/", views.MilestoneListAPI.as_view(), name="milestones"),
    path("meetings/", views.MeetingListAPI.as_view(), name="meetings"),
    path("milestones.csv", views.MilestoneCSVView.as_view(), name="milestones-csv"),
    path("meetings.csv", views.MeetingCSVView.as_view(), name="meetings-csv"),
    path("timeline.json", views.TimelineJSONView.as_view(), name="timeline"),
    path("openapi.json", views.OpenAPIView.as_view(), name="openapi"),
]
