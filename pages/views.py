"""The home page: the latest milestones and meeting, and the years of the timeline."""

from django.views.generic import TemplateView

from meetings.models import Meeting
from milestones.models import Milestone
from pages.structured_data import home_data


class HomeView(TemplateView):
    template_name = "home.html"
    latest_count = 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        latest = Milestone.objects.published().latest_dated()
        context["latest_milestones"] = latest.first_rows(self.latest_count)
        context["latest_meeting"] = Meeting.objects.published().latest_dated().first_rows(1).first()
        context["years"] = Milestone.objects.published().years()
        context["structured_data"] = home_data(self.request.build_absolute_uri)
        return context
