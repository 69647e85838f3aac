from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.MeetingListView.as_view(), name="list"),
    path("meetings/series/<slug:slug>/", views.MeetingSeriesDetailView.as_view(), name="series"),
    path(
        "meetings/series/<slug:slug>.ics",
        views.SeriesCalendarView.as_view(),
        name="series-calendar",
    ),
    path("meetings/<slug:slug>/", views.MeetingDetailView.as_view(), name="detail"),
    path("people/", views.PersonListView.as_view(), name="people"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<slug:slug>/", views.OrganisationDetailView.as_view(), name="organisation"),
]
