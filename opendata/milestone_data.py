"""Milestones as open data: the API's JSON, CSV rows (its fields, flattened) and TimelineJS3
JSON."""

import datetime as dt

from django.template.defaultfilters import linebreaks_filter
from django.utils.html import format_html
from django.utils.translation import gettext as _

from milestones.models import Milestone
from publishing.dating import DatePrecision, FuzzyDate
from translations.languages import TEXT_TAG


def milestone_json(milestone: Milestone, request) -> dict:
    """A milestone in the active language (?lang=; English where no translation exists):
    `language` says which one its title is in."""
    title = milestone.local.title
    return {
        "title": title,
        "language": TEXT_TAG[title.language],
        "slug": milestone.slug,
        "url": request.build_absolute_uri(milestone.get_absolute_url()),
        "date": milestone.date_edtf,
        "date_precision": milestone.date_precision,
        "date_display": milestone.date_display,
        "date_basis": milestone.local.date_basis or None,
        "body": milestone.local.body,
        "source": {
            "document": milestone.source_document or None,
            "paragraph": milestone.source_paragraph,
            "url": milestone.source_url or None,
            "citation": milestone.local.citation or None,
        },
    }


CSV_COLUMNS = (
    "title",
    "slug",
    "url",
    "date",
    "date_precision",
    "date_display",
    "body",
    "source_document",
    "source_paragraph",
    # Added in issue 15 and 14, after the columns before them, which keep their places.
    "source_url",
    "source_citation",
    "date_basis",
    "language",
)


def csv_row(milestone, request) -> list:
    """One milestone as a CSV row: the same values as /api/milestones/ gives."""
    data = milestone_json(milestone, request)
    return [
        *(data[column] for column in CSV_COLUMNS[:7]),
        data["source"]["document"],
        data["source"]["paragraph"],
        data["source"]["url"],
        data["source"]["citation"],
        data["date_basis"],
        data["language"],
    ]


# TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html) --------------------


def _timeline_date(edtf: str) -> dict:
    """One end of an EDTF date ('2021', '2021-09', '2021-09-06') as a TimelineJS date: only
    the parts the precision provides, and how people write it."""
    parts = [int(part) for part in edtf.split("-")]
    if len(parts) == 3:
        fuzzy = FuzzyDate.day(dt.date(*parts))
    elif len(parts) == 2:
        fuzzy = FuzzyDate.month(*parts)
    else:
        fuzzy = FuzzyDate.year(*parts)
    return {
        **dict(zip(("year", "month", "day"), parts, strict=False)),
        "display_date": fuzzy.display,
    }


def timeline_dates(fuzzy: FuzzyDate) -> dict:
    """{"start_date"}, as precise as the date is known, and the date in EDTF ("date").

    A range ("some day between") is placed at its first possible day, as precise as the
    range (a range of months gives a month) and with no end_date: TimelineJS would draw an
    end_date as an event lasting the whole interval. Its display_date says "between…", and
    "date" is EDTF's one-of-a-set, "[2021-03..2021-09]"."""
    if fuzzy.edtf is None:
        raise ValueError("An undated milestone has no place on the timeline.")
    if fuzzy.precision != DatePrecision.RANGE:
        return {"start_date": _timeline_date(fuzzy.edtf), "date": fuzzy.edtf}
    # Its place on the timeline only: the date itself says "between" wherever it is shown.
    start = {**_timeline_date(fuzzy.ends[0]), "display_date": fuzzy.display}
    return {"start_date": start, "date": fuzzy.edtf}


def _absolute(request, url: str) -> str:
    return request.build_absolute_uri(url)


def timeline_media(picture, request) -> dict | None:
    """The lead image's medium rendition, with its caption, credit and alternative text."""
    if picture is None or not picture.image:
        return None
    return {
        "url": _absolute(request, picture.medium.url),
        "thumbnail": _absolute(request, picture.thumbnail.url),
        "caption": picture.local.caption,
        "credit": picture.local.credit,
        "alt": picture.alt,
    }


def timeline_event(milestone, request) -> dict:
    url = _absolute(request, milestone.get_absolute_url())
    event = {
        **timeline_dates(milestone.fuzzy_date),
        "display_date": milestone.date_display,
        "text": {
            "headline": format_html("{}", milestone.local.title),
            "text": format_html(
                '{}<p><a href="{}">{}</a></p>',
                linebreaks_filter(milestone.local.body, autoescape=True),
                url,
                _("More about this milestone"),
            ),
        },
        "unique_id": milestone.slug,
    }
    media = timeline_media(milestone.lead_image, request)
    if media:
        event["media"] = media
    return event


def timeline_json(milestones, request) -> dict:
    """The timeline in TimelineJS3's JSON format: a title slide and one event a milestone.

    `milestones` must be dated (undated ones have no place on a timeline), with their lead
    images selected."""
    events = [timeline_event(milestone, request) for milestone in milestones]
    return {
        "title": {
            "text": {
                "headline": _("The Hong Kong-Shenzhen Innovation and Technology Park"),
                "text": _(
                    "Milestones in the making of the park in the Lok Ma Chau Loop, dated as "
                    "precisely as the public record allows."
                ),
            }
        },
        "events": events,
        "eras": timeline_eras(event["start_date"]["year"] for event in events),
    }


def timeline_eras(years) -> list[dict]:
    """One era a year that has milestones: the navigator's bands, labelled with the year,
    so that events share rows by how they fit rather than one row a year."""
    return [
        {
            "start_date": {"year": year, "month": 1, "day": 1},
            "end_date": {"year": year, "month": 12, "day": 31},
            "text": {"headline": str(year)},
        }
        for year in sorted(set(years))
    ]
