"""Open data: the index of endpoints (/api/), the JSON lists, CSV downloads, the
TimelineJS3 timeline and the OpenAPI description of them all.

The views are thin: what they serve is built in opendata/milestone_data.py and
opendata/meeting_data.py from published items only (through the domain apps' view
mixins). CSVs are streamed: rows are read with `.iterator()` and written as they are read,
so memory stays flat for large data sets.
"""

import csv

from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from meetings.filters import MeetingFilter
from meetings.views import PublishedMeetingMixin
from milestones.filters import MilestoneFilter
from milestones.views import PublishedMilestoneMixin
from opendata import meeting_data, milestone_data
from opendata.json import filtered_list_response
from opendata.openapi import openapi_document
from translations.languages import ENGLISH, LANG_PARAMETER, normalise

# (URL name, format, description): what /api/ lists, in this order.
ENDPOINTS = [
    (
        "api:milestones",
        "JSON",
        _(
            "Published milestones, oldest first, 100 a page, with dates in EDTF; accepts the "
            "timeline's filters (q, year, year_from, year_to, precision, order) and page."
        ),
    ),
    (
        "api:meetings",
        "JSON",
        _(
            "Published meetings, newest first, 50 a page, with their attendees; accepts the "
            "meeting list's filters (year, series, place, mode, organisation) and page."
        ),
    ),
    (
        "api:milestones-csv",
        "CSV",
        _("Every published milestone, one a row (UTF-8 with a byte-order mark)."),
    ),
    (
        "api:meetings-csv",
        "CSV",
        _(
            "Every attendance at a published meeting, one a row with the meeting's columns "
            "repeated; a meeting without attendees has one row (UTF-8 with a byte-order mark)."
        ),
    ),
    (
        "api:timeline",
        "TimelineJS3 JSON",
        _("The dated published milestones in the JSON format of TimelineJS3."),
    ),
    ("feeds:milestones", "RSS 2.0", _("The 50 milestones published last.")),
    ("feeds:milestones-atom", "Atom 1.0", _("The 50 milestones published last.")),
    ("feeds:meetings", "RSS 2.0", _("The 50 meetings published last.")),
    ("feeds:meetings-atom", "Atom 1.0", _("The 50 meetings published last.")),
    ("calendar", "iCalendar", _("The published, dated meetings as a calendar (RFC 5545).")),
    (
        "sitemap",
        "Sitemap XML",
        _("Every public page, in English, Traditional Chinese and Simplified Chinese."),
    ),
]


def open_data_endpoints(request) -> list[dict]:
    """[{"url", "format", "description"}]: every open-data endpoint, with absolute URLs: in
    the page's language (the API's with ?lang=, the feeds and calendar at their address)."""
    language = normalise(get_language())
    query = "" if language == ENGLISH else f"?lang={language}"
    return [
        {
            "url": request.build_absolute_uri(
                reverse(name) + (query if name.startswith("api:") else "")
            ),
            "format": data_format,
            "description": str(description),
        }
        for name, data_format, description in ENDPOINTS
    ]


def wants_json(request) -> bool:
    """?format=json, or an Accept header that prefers JSON to HTML."""
    if "format" in request.GET:
        return request.GET["format"] == "json"
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


class ApiIndexView(TemplateView):
    """GET /api/: the open-data endpoints, as a page for people or (negotiated) as JSON."""

    template_name = "api_index.html"

    def get(self, request, *args, **kwargs):
        endpoints = open_data_endpoints(request)
        if wants_json(request):
            response = JsonResponse(endpoints, safe=False)
        else:
            response = self.render_to_response({"endpoints": endpoints})
        patch_vary_headers(response, ["Accept"])
        # RFC 8631: where programs find the description of the API, page or JSON alike.
        response["Link"] = (
            f'<{request.build_absolute_uri(reverse("api:openapi"))}>; rel="service-desc"'
        )
        return response


# Languages ----------------------------------------------------------------------------


def _in_language(language: str, chunks):
    """A streamed body produced in `language` (the rows are read as it is sent)."""
    with translation.override(language):
        yield from chunks


class LanguageMixin:
    """?lang=en (the default), zh-hant or zh-hans: the texts in that language, English
    where none is written; anything else is a 400 that says what is accepted."""

    def dispatch(self, request, *args, **kwargs):
        requested = request.GET.get("lang", "en")
        language = LANG_PARAMETER.get(requested.lower())
        if language is None:
            accepted = ", ".join(LANG_PARAMETER)
            message = f"Unknown language {requested!r}: lang is one of {accepted}."
            return JsonResponse(
                {"errors": {"lang": [{"message": message, "code": "invalid_choice"}]}},
                status=400,
            )
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        if response.streaming:
            response.streaming_content = _in_language(language, response.streaming_content)
        return response


# JSON lists ---------------------------------------------------------------------------


class MilestoneListAPI(LanguageMixin, PublishedMilestoneMixin, View):
    """GET /api/milestones/: published milestones, oldest first, paginated."""

    page_size = 100

    def get(self, request):
        filterset = MilestoneFilter(request.GET, queryset=self.visible().chronological())
        return filtered_list_response(
            request, filterset, milestone_data.milestone_json, self.page_size
        )


class MeetingListAPI(LanguageMixin, PublishedMeetingMixin, View):
    """GET /api/meetings/: published meetings with attendees, newest first, paginated."""

    page_size = 50

    def get(self, request):
        queryset = self.get_queryset().with_attendances().newest_first()
        filterset = MeetingFilter(request.GET, queryset=queryset, request=request)
        return filtered_list_response(request, filterset, meeting_data.meeting_json, self.page_size)


class OpenAPIView(View):
    """GET /api/openapi.json: the OpenAPI 3.1 description of /api/ (opendata/openapi.py).
    The same for every request; cached like every /api/ response (pagecache/)."""

    def get(self, request):
        document = openapi_document(
            milestone_page_size=MilestoneListAPI.page_size,
            meeting_page_size=MeetingListAPI.page_size,
        )
        return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


# CSV ----------------------------------------------------------------------------------

BYTE_ORDER_MARK = "\ufeff"  # so that Excel reads the file as UTF-8 (Chinese names intact)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_CHARACTERS = 16_384


class Echo:
    """A file-like object whose write() returns what it is given: csv.writer then returns
    each formatted row instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_cell(value):
    """A value safe to open in a spreadsheet: text that would start a formula (= + - @, or
    a tab or carriage return) gets a leading apostrophe; None becomes empty."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return f"'{value}"
    return value


def csv_lines(columns, rows):
    """The header and rows as CSV text, a few kilobytes at a time, the first with a BOM."""
    writer = csv.writer(Echo())
    chunk = [BYTE_ORDER_MARK, writer.writerow(columns)]
    size = 0
    for row in rows:
        line = writer.writerow([csv_cell(value) for value in row])
        chunk.append(line)
        size += len(line)
        if size >= CHUNK_CHARACTERS:
            yield "".join(chunk)
            chunk, size = [], 0
    yield "".join(chunk)


def csv_response(filename: str, columns, rows) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(columns, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class MilestoneCSVView(LanguageMixin, PublishedMilestoneMixin, View):
    """GET /api/milestones.csv: every published milestone, oldest first."""

    def get(self, request):
        milestones = self.visible().chronological().iterator(chunk_size=2000)
        rows = (milestone_data.csv_row(milestone, request) for milestone in milestones)
        return csv_response("milestones.csv", milestone_data.CSV_COLUMNS, rows)


class MeetingCSVView(LanguageMixin, PublishedMeetingMixin, View):
    """GET /api/meetings.csv: one row per attendance at a published meeting."""

    def get(self, request):
        rows = meeting_data.csv_rows(self.visible(), request)
        return csv_response("meetings.csv", meeting_data.CSV_COLUMNS, rows)


class TimelineJSONView(LanguageMixin, PublishedMilestoneMixin, View):
    """GET /api/timeline.json: the dated published milestones for TimelineJS3, narrowed by
    the timeline's filters (not its order: a timeline runs oldest first), so that the
    visual timeline shows what the list below it shows."""

    def get(self, request):
        dated = self.get_queryset().filter(date_start__isnull=False).chronological()
        filters = request.GET.copy()
        filters.pop("order", None)
        filterset = MilestoneFilter(filters, queryset=dated)
        if not filterset.is_valid():
            return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
        return JsonResponse(milestone_data.timeline_json(filterset.qs, request))
