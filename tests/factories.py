"""Small factories: each makes one valid record with sensible defaults; override what matters."""

import datetime as dt
import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from meetings.models import Attendance, Meeting, MeetingSeries, Organization, Person, Role, Side
from milestones.models import Milestone
from pictures.forms import PictureForm
from pictures.models import Picture
from publishing.dating import FuzzyDate
from publishing.models import PublicationState

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def restart_sequence(start: int) -> None:
    """Number what the factories make from `start` on: a test that looks for a number in
    pages (a year) makes its records with numbers that cannot be it, whatever ran before."""
    global _sequence
    _sequence = itertools.count(start)


def _publication(published: bool, published_at=None) -> dict:
    if not published:
        return {"state": PublicationState.DRAFT, "published_at": published_at}
    return {
        "state": PublicationState.PUBLISHED,
        "published_at": published_at or timezone.now() - dt.timedelta(hours=1),
    }


def make_milestone(*, published=True, date=None, published_at=None, **fields) -> Milestone:
    n = _n()
    milestone = Milestone(
        title=fields.pop("title", f"Milestone number {n}"),
        slug=fields.pop("slug", f"milestone-{n}"),
        body=fields.pop("body", f"What happened in milestone {n}."),
        **_publication(published, published_at),
        **fields,
    )
    milestone.fuzzy_date = date or FuzzyDate.day(dt.date(2021, 1, 1) + dt.timedelta(days=n))
    milestone.full_clean()
    milestone.save()
    return milestone


def make_series(**fields) -> MeetingSeries:
    n = _n()
    return MeetingSeries.objects.create(
        name=fields.pop("name", f"Joint Task Force {n}"), slug=fields.pop("slug", f"jtf-{n}")
    )


def make_meeting(*, published=True, date=None, published_at=None, **fields) -> Meeting:
    n = _n()
    meeting = Meeting(
        series=fields.pop("series", None) or make_series(),
        number=fields.pop("number", n),
        title=fields.pop("title", f"Meeting number {n}"),
        slug=fields.pop("slug", f"meeting-{n}"),
        place=fields.pop("place", "Shenzhen"),
        mode=fields.pop("mode", "in_person"),
        summary=fields.pop("summary", f"Summary of meeting {n}."),
        **_publication(published, published_at),
        **fields,
    )
    meeting.fuzzy_date = date or FuzzyDate.day(dt.date(2024, 1, 1) + dt.timedelta(days=n))
    meeting.full_clean()
    meeting.save()
    return meeting


def make_person(**fields) -> Person:
    n = _n()
    return Person.objects.create(
        honorific=fields.pop("honorific", "Ms"),
        name=fields.pop("name", f"Person {n}"),
        slug=fields.pop("slug", f"person-{n}"),
        **fields,
    )


def make_organisation(**fields) -> Organization:
    n = _n()
    return Organization.objects.create(
        name=fields.pop("name", f"Bureau {n}"),
        slug=fields.pop("slug", f"bureau-{n}"),
        side=fields.pop("side", Side.HONG_KONG),
        **fields,
    )


def make_attendance(meeting, *, person=None, organisation=None, **fields) -> Attendance:
    return Attendance.objects.create(
        meeting=meeting,
        person=person,
        organisation=organisation,
        role=fields.pop("role", Role.ATTENDEE),
        side=fields.pop("side", Side.HONG_KONG),
        **fields,
    )


def make_attended_meeting(
    *, people=2, organisations=2, series=None, **fields
) -> tuple[Meeting, list[Attendance]]:
    """A meeting with two co-chairs, `people` attendees, `organisations` representatives
    (alternating Hong Kong and Shenzhen) and one briefer; every person and body is new."""
    meeting = make_meeting(series=series, **fields)
    attendances = [
        make_attendance(
            meeting,
            person=make_person(honorific="Professor"),
            role=Role.CO_CHAIR,
            post="Secretary for Innovation, Technology and Industry",
            side=Side.HONG_KONG,
        ),
        make_attendance(
            meeting,
            person=make_person(honorific="Mr"),
            role=Role.CO_CHAIR,
            post="Vice Mayor of the Shenzhen Municipal People's Government",
            side=Side.SHENZHEN,
            position=1,
        ),
    ]
    sides = [Side.HONG_KONG, Side.SHENZHEN]
    for i in range(people):
        attendances.append(
            make_attendance(
                meeting,
                person=make_person(),
                role=Role.ATTENDEE,
                post=f"Permanent Secretary number {i}",
                side=sides[i % 2],
                position=2 + i,
            )
        )
    for i in range(organisations):
        side = sides[i % 2]
        attendances.append(
            make_attendance(
                meeting,
                organisation=make_organisation(side=side),
                role=Role.REPRESENTATIVE,
                side=side,
                position=2 + people + i,
            )
        )
    attendances.append(
        make_attendance(
            meeting,
            organisation=make_organisation(abbreviation="HSITPL"),
            role=Role.BRIEFER,
            position=2 + people + organisations,
        )
    )
    return meeting, attendances


def picture_bytes(fmt="JPEG", size=(64, 48), mode="RGB", color=(200, 30, 30), **save) -> bytes:
    """A real picture in the given format, made with Pillow."""
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def make_picture(
    data: bytes | None = None, name="harbour.jpg", *, size=(2000, 1500), **fields
) -> Picture:
    """A picture saved the way the admin saves it: through PictureForm, which checks and
    cleans the upload. `data` is the file (by default a JPEG of `size` pixels) uploaded as
    `name`; `fields` are the form's other fields (alt_text, is_decorative, caption, credit,
    slug)."""
    data = data if data is not None else picture_bytes(size=size)
    form = PictureForm(
        data={"alt_text": "The Lok Ma Chau Loop from the air.", **fields},
        files={"image": SimpleUploadedFile(name, data, content_type="image/jpeg")},
    )
    assert form.is_valid(), form.errors
    return form.save()


def make_user(role: str | None = None, **fields):
    """A staff user in the Editor or Publisher group; role "superuser" or None for others."""
    from django.contrib.auth.models import User

    n = _n()
    username = fields.pop("username", f"{role or 'reader'}{n}")
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.org", "pw-for-tests")
    user = User.objects.create_user(
        username,
        f"{username}@example.org",
        "pw-for-tests",
        is_staff=fields.pop("is_staff", role is not None),
        **fields,
    )
    if role:
        user.groups.add(role_group(role.capitalize()))
    return user


def role_group(name: str):
    """The Editor or Publisher group. A data migration makes them, but a transactional test
    (live server) flushes every table when it ends, so a later one gets them back here."""
    from django.contrib.auth.models import Group, Permission

    from publishing.roles import ROLES, codenames

    group, created = Group.objects.get_or_create(name=name)
    if created:  # as publishing.roles.sync_roles does
        wanted = [pair for spec in ROLES[name] for pair in codenames(spec)]
        group.permissions.set(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        )
    return group


def milestone_form(milestone, **changes) -> dict:
    """The admin change form's POST data for `milestone`, with `changes` applied."""
    data = {
        "title": milestone.title,
        "slug": milestone.slug,
        "body": milestone.body,
        "date_precision": milestone.date_precision,
        "date_start": milestone.date_start.isoformat() if milestone.date_start else "",
        "date_end": milestone.date_end.isoformat() if milestone.date_end else "",
        "state": milestone.state,
        "published_at_0": "",
        "published_at_1": "",
        "review_note": milestone.review_note,
        "merged_paragraphs-TOTAL_FORMS": "0",
        "merged_paragraphs-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def logged_in(role: str | None, username: str, **fields):
    """A test client of its own, logged in as a new user with `role`."""
    from django.test import Client

    client = Client()
    client.force_login(make_user(role, username=username, **fields))
    return client


def change_url(obj) -> str:
    """The admin change form of `obj`."""
    opts = obj._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/change/"
