"""JSON helpers shared by the open-data endpoints."""

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import JsonResponse
from django.utils.translation import get_language

from pagecache.fragments import render_each
from publishing.pagination import MirroredPaginator


def filtered_list_response(request, filterset, serialise, page_size: int) -> JsonResponse:
    """A list endpoint's response: the filtered page, or 400 with what is wrong in the query."""
    if not filterset.is_valid():
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    return JsonResponse(paginated_json(request, filterset.qs, serialise, page_size))


def paginated_json(request, queryset, serialise, page_size: int) -> dict:
    """{"count", "next", "previous", "results"}: the shape of every list endpoint.

    An out-of-range or malformed page gives an empty result list, not an error.
    """
    paginator = MirroredPaginator(queryset, page_size)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger):
        return {"count": paginator.count, "next": None, "previous": None, "results": []}

    def link(number):
        query = request.GET.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": paginator.count,
        "next": link(page.next_page_number()) if page.has_next() else None,
        "previous": link(page.previous_page_number()) if page.has_previous() else None,
        # Each item rendered once per version of it, language and origin of its URLs.
        "results": render_each(
            f"{serialise.__module__}.{serialise.__qualname__}",
            page.object_list,
            lambda item: serialise(item, request),
            get_language(),
            request.build_absolute_uri("/"),
        ),
    }
