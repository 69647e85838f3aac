"""The view mixins that keep drafts from the public, and let staff preview them."""

from django.utils.cache import add_never_cache_headers


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
