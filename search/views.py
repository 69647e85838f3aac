"""/search/?q=: the form, and the results grouped by kind."""

from django.views.generic import TemplateView

from publishing.text import MAX_QUERY_LENGTH
from search.query import is_truncated, normalise_query
from search.services import site_search
from search.structured_data import search_data


class SearchView(TemplateView):
    """GET /search/?q=: the form, and the results grouped by kind."""

    template_name = "search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        raw = self.request.GET.get("q", "")
        query = normalise_query(raw)
        groups = site_search(query) if query else []
        context.update(
            query=query,
            truncated=is_truncated(raw),
            max_query_length=MAX_QUERY_LENGTH,
            groups=groups,
            total=sum(group.total for group in groups),
            structured_data=search_data(self.request.build_absolute_uri, groups),
        )
        return context
