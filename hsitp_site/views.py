"""Site-wide pages, and the view mixins that keep drafts from the public."""

from django.utils.cache import add_never_cache_headers
from django.views.generic import TemplateView

from meetings.models import Meeting
from milestones.models import Milestone


class PublicQuerysetMixin:
    """Public views start from `visible()`: published items only."""

    model = None

    def visible(self):
        return self.model.objects.published()

    def get_queryset(self):
        return self.visible()


class PreviewMixin:
    """Detail pages: staff open any item, draft or scheduled, at its public URL, with a
    banner saying it is not public; such responses are never cached."""

    def visible(self):
        return self.model.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.object.not_public_because  # "" for a public item
        return context

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class HomeView(TemplateView):
    template_name = "home.html"
    latest_count = 3

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["latest_milestones"] = Milestone.objects.published().latest_dated()[
            : self.latest_count
        ]
        context["latest_meeting"] = Meeting.objects.published().newest_first().first()
        context["years"] = Milestone.objects.published().years()
        context["structured_data"] = {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "HSITP History",
            "url": self.request.build_absolute_uri("/"),
            "about": {
                "@type": "Place",
                "name": "Hong Kong-Shenzhen Innovation and Technology Park",
                "address": "Lok Ma Chau Loop, Hong Kong",
            },
        }
        return context
