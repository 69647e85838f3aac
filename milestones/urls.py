from django.urls import path

from milestones import views

app_name = "milestones"

urlpatterns = [
    path("", views.TimelineView.as_view(), name="timeline"),
    path("<slug:slug>/", views.MilestoneDetailView.as_view(), name="detail"),
]
