"""The published meetings as an iCalendar (RFC 5545) feed, built with the icalendar library."""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from publishing.dating import DatePrecision


def meetings_calendar(meetings, request, name: str = "") -> bytes:
    """`meetings` as an iCalendar; `name` is the calendar's (a series'), else the site's."""
    calendar = Calendar()
    calendar.add("prodid", "-//HSITP History//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"HSITP History: {name}" if name else "HSITP History: meetings")
    calendar.add("x-wr-timezone", "Asia/Hong_Kong")
    # UIDs never change: from the canonical origin, not the Host this request names.
    host = urlsplit(settings.SITE_URL).hostname
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        # Never changes: not the slug (an editor may change a published one), not the pk (a
        # restore from backup gives new ones), but the meeting's stable identifier.
        event.add("uid", f"meeting-{meeting.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("summary", meeting.local.title)
        # All-day events: the exact hour is not in the sources. Non-day precision spans
        # the whole interval that is known.
        event.add("dtstart", meeting.date_start)
        event.add("dtend", meeting.date_end + dt.timedelta(days=1))
        if meeting.date_precision != DatePrecision.DAY:
            event.add("status", "TENTATIVE")
        # The mode stands in for a missing place, but "Not stated" is no location.
        location = meeting.local.place or (meeting.get_mode_display() if meeting.mode else "")
        if location:
            event.add("location", location)
        if meeting.summary:
            event.add("description", meeting.local.summary)
        event.add("url", request.build_absolute_uri(meeting.get_absolute_url()))
        if meeting.updated_at:
            event.add("last-modified", meeting.updated_at)
        calendar.add_component(event)
    return calendar.to_ical()
