"""Synthetic history for load tests and benchmarks: `manage.py generate_history`.

Realistic and deterministic (the same seed gives the same rows): milestones across four
decades with every date precision, mostly published but with drafts, items in review and
items scheduled for the future; meetings in several series, each with 20-40 attendances of
people and organisations reused across meetings (a few people and bodies attend very often,
most rarely, as in the real record). Rows are written with bulk_create in batches, in one
transaction; revision history is not written for them (they were never edited).

Slugs start with `s<seed>-`, so synthetic rows never collide with real ones, and generating
twice with one seed is refused rather than duplicated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.humanize.templatetags import humanize
from django.db import transaction
from django.utils import timezone

from meetings.models import (
    Attendance,
    Meeting,
    MeetingSeries,
    Mode,
    Organization,
    Person,
    Role,
    Side,
)
from milestones.models import Milestone
from pagecache.version import invalidate
from publishing.database import after_bulk_write
from publishing.dating import DatePrecision, FuzzyDate
from publishing.models import PublicationState

BATCH_SIZE = 2000
FIRST_YEAR, LAST_YEAR = 1988, 2032

ACTORS = [
    "The Legislative Council",
    "LegCo's Finance Committee",
    "The Panel on Commerce and Industry",
    "The HKSAR Government",
    "The Shenzhen Municipal People's Government",
    "The Civil Engineering and Development Department",
    "The Innovation, Technology and Industry Bureau",
    "Hong Kong-Shenzhen Innovation and Technology Park Limited",
    "The Hong Kong Science and Technology Parks Corporation",
    "The Development Bureau",
    "The Town Planning Board",
    "The Chief Executive",
    "The Joint Task Force",
    "The Environmental Protection Department",
    "The Lands Department",
]
ACTIONS = [
    "approved funding for",
    "endorsed",
    "announced",
    "completed",
    "commenced",
    "signed an agreement on",
    "published the consultation on",
    "supported in principle",
    "awarded the contract for",
    "reviewed the progress of",
    "handed over",
    "launched",
    "briefed the public on",
    "gazetted",
]
OBJECTS = [
    "the site formation works of Main Works Package {n}",
    "the first batch of buildings in the Hong Kong Park",
    "the Outline Development Plan for the Lok Ma Chau Loop",
    "the cross-boundary footbridge",
    "the wet laboratory facilities",
    "the advance works and site investigation",
    "the fire station and ambulance depot",
    "the land decontamination of the Loop",
    "the leasing and investment promotion programme",
    "the Hetao Shenzhen-Hong Kong Science and Technology Innovation Co-operation Zone",
    "the environmental impact assessment",
    "the supporting infrastructure in the Loop",
    "the development blueprint for the Northern Metropolis",
    "the partnership programme with universities",
    "the {n}th phase of the innovation and technology clusters",
    "the talent accommodation in the Park",
]
DETAILS = [
    "The works cover about {n} hectares of the 87-hectare Loop.",
    "Funding of HK${n} billion was approved for the project.",
    "Some {n} partners from nine economies signed memoranda of understanding.",
    "The first phase provides up to {n} thousand square metres of floor area.",
    "Life and health technology, artificial intelligence and advanced manufacturing are "
    "among the industry themes.",
    "Both sides exchanged views on cross-boundary facilitation measures.",
    "The project is expected to be completed in phases from west to east.",
    "Public engagement activities were held in the New Territories.",
    "The Finance Committee discussed the cost estimates in {n} meetings.",
    "Research institutions from the Mainland and overseas expressed interest.",
    "The arrangement follows the principle of one country, two systems.",
    "The Shenzhen River forms the northern boundary of the site.",
]
PLACES = ["Shenzhen", "Hong Kong", "Guangzhou", "Futian", "the Loop", ""]
SURNAMES = [
    "Chan", "Wong", "Lee", "Cheung", "Lau", "Ng", "Ho", "Leung", "Lam", "Tang", "Yip", "Tsang",
    "Chow", "Mak", "Kwok", "Fung", "Luk", "Yeung", "Sun", "Luo", "Zhang", "Wang", "Li", "Liu",
    "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
]  # fmt: skip
SYLLABLES = [
    "Ka", "Wai", "Man", "Ming", "Chi", "Kin", "Yan", "Hoi", "Siu", "Tak", "Kwok", "Wing",
    "Shing", "Fai", "Lok", "Yu", "Hong", "Dong", "Hua", "Jun", "Wei", "Lin", "Qiang", "Ping",
]  # fmt: skip
HONORIFICS = ["Mr", "Ms", "Dr", "Professor", "Mrs"]
POSTS = [
    "Secretary for Innovation, Technology and Industry",
    "Permanent Secretary for Innovation, Technology and Industry",
    "Vice Mayor of the Shenzhen Municipal People's Government",
    "Director of Civil Engineering and Development",
    "Deputy Director of the Development and Reform Commission",
    "Commissioner for Innovation and Technology",
    "Head of the Northern Metropolis Co-ordination Office",
    "Chief Executive Officer of HSITPL",
    "Deputy Secretary for Development",
    "Director-General of the Science, Technology and Innovation Bureau",
]
BODY_KINDS = ["Bureau", "Department", "Commission", "Office", "Authority", "Committee"]
BODY_TOPICS = [
    "Development", "Security", "Education", "Planning", "Natural Resources", "Justice",
    "Customs", "Immigration", "Environment", "Transport", "Housing", "Lands", "Finance",
    "Science and Technology", "Innovation", "Culture and Tourism", "Trade", "Water Supplies",
    "Drainage", "Highways", "Fire Services", "Health", "Labour", "Industry and Information",
]  # fmt: skip
SERIES = [
    "Joint Task Force on the Development of the Hong Kong-Shenzhen Innovation and "
    "Technology Park in the Loop",
    "Hong Kong/Shenzhen Co-operation Meeting",
    "Hong Kong/Guangdong Co-operation Joint Conference",
    "Steering Committee on the Lok Ma Chau Loop",
    "Working Group on Cross-boundary Facilitation",
    "Expert Group on Innovation and Technology Co-operation",
]
SIDES = [Side.HONG_KONG, Side.SHENZHEN, Side.GUANGDONG, Side.MAINLAND]


@dataclass(frozen=True)
class GeneratedHistory:
    milestones: int
    meetings: int
    attendances: int
    people: int
    organisations: int
    series: int

    def summary(self) -> str:
        return (
            f"{self.milestones} milestones, {self.meetings} meetings in {self.series} series, "
            f"{self.attendances} attendances of {self.people} people and "
            f"{self.organisations} organisations"
        )


class AlreadyGenerated(Exception):
    """Synthetic history with this seed is already in the database."""


def _sentence(rng: random.Random) -> str:
    thing = rng.choice(OBJECTS).format(n=rng.randint(1, 9))
    return f"{rng.choice(ACTORS)} {rng.choice(ACTIONS)} {thing}."


def _details(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(DETAILS).format(n=rng.randint(2, 90)) for _ in range(count))


def _fuzzy_date(rng: random.Random) -> FuzzyDate:
    year = rng.randint(FIRST_YEAR, LAST_YEAR)
    roll = rng.random()
    if roll < 0.50:
        return FuzzyDate.day(dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365)))
    if roll < 0.70:
        return FuzzyDate.month(year, rng.randint(1, 12))
    if roll < 0.85:
        return FuzzyDate.year(year)
    if roll < 0.93:
        start = dt.date(year, rng.randint(1, 12), 1)
        return FuzzyDate.between(start, start + dt.timedelta(days=rng.randint(31, 400)))
    return FuzzyDate.unknown()


def _publication(rng: random.Random, now) -> dict:
    """85% public, 7% drafts, 4% in review, 4% scheduled for the coming months."""
    roll = rng.random()
    if roll < 0.85:
        published_at = now - dt.timedelta(minutes=rng.randint(60, 3000 * 24 * 60))
        return {"state": PublicationState.PUBLISHED, "published_at": published_at}
    if roll < 0.92:
        return {"state": PublicationState.DRAFT, "published_at": None}
    if roll < 0.96:
        return {"state": PublicationState.REVIEW, "published_at": None}
    published_at = now + dt.timedelta(minutes=rng.randint(60, 180 * 24 * 60))
    return {"state": PublicationState.PUBLISHED, "published_at": published_at}


def _people(rng: random.Random, count: int, prefix: str) -> list[Person]:
    names: set[str] = set()
    people = []
    while len(people) < count:
        given = f"{rng.choice(SYLLABLES)}-{rng.choice(SYLLABLES).lower()}"
        name = f"{rng.choice(SURNAMES)} {given}"
        if name in names:
            name = f"{name} {len(people)}"
        names.add(name)
        number = len(people) + 1
        people.append(
            Person(honorific=rng.choice(HONORIFICS), name=name, slug=f"{prefix}-person-{number}")
        )
    return people


def _organisations(rng: random.Random, count: int, prefix: str) -> list[Organization]:
    organisations = []
    for number in range(1, count + 1):
        topic, kind = rng.choice(BODY_TOPICS), rng.choice(BODY_KINDS)
        side = SIDES[number % len(SIDES)]
        name = f"{topic} {kind} {number}"
        abbreviation = "".join(word[0] for word in f"{topic} {kind}".split() if word[0].isupper())
        organisations.append(
            Organization(
                name=name,
                abbreviation=f"{abbreviation}{number}",
                side=side,
                slug=f"{prefix}-body-{number}",
            )
        )
    return organisations


def _skewed(rng: random.Random, items: list, k: int) -> list:
    """`k` distinct items, the first ones in the list far more often (a few regulars)."""
    chosen: dict[int, None] = {}
    n = len(items)
    while len(chosen) < min(k, n):
        chosen[min(int(n * rng.random() ** 2.5), n - 1)] = None
    return [items[i] for i in chosen]


def _split(items: list, n: int) -> tuple[list, list]:
    return items[:n], items[n:]


def _bulk(model, rows: list, batch_size: int) -> list:
    return model.objects.bulk_create(rows, batch_size=batch_size)


@transaction.atomic
def generate_history(
    *,
    milestones: int,
    meetings: int,
    seed: int = 1,
    people: int | None = None,
    organisations: int | None = None,
    batch_size: int = BATCH_SIZE,
    progress=None,
) -> GeneratedHistory:
    """Write synthetic history (see the module's docstring); returns what was made."""
    say = progress or (lambda message: None)
    prefix = f"s{seed}"
    if (
        Milestone.objects.filter(slug__startswith=f"{prefix}-").exists()
        or MeetingSeries.objects.filter(slug__startswith=f"{prefix}-").exists()
    ):
        raise AlreadyGenerated(f"Synthetic history with seed {seed} is already there.")
    rng = random.Random(seed)
    now = timezone.now()
    people = people if people is not None else max(20, meetings // 3) if meetings else 0
    organisations = (
        organisations if organisations is not None else max(40, meetings // 10) if meetings else 0
    )

    rows = []
    for number in range(1, milestones + 1):
        title = _sentence(rng)
        body = f"{title} {_details(rng, rng.randint(1, 4))}"
        milestone = Milestone(
            title=title[:200],
            slug=f"{prefix}-m{number}",
            body=body,
            source_document=f"{prefix}-timeline.txt",
            source_paragraph=number,
            source_text=body,
            needs_review=rng.random() < 0.05,
            **_publication(rng, now),
        )
        milestone.fuzzy_date = _fuzzy_date(rng)
        milestone.derive_fields()
        rows.append(milestone)
        if len(rows) >= batch_size:
            _bulk(Milestone, rows, batch_size)
            rows = []
            say(f"  {number}/{milestones} milestones")
    _bulk(Milestone, rows, batch_size)

    person_rows = _bulk(Person, _people(rng, people, prefix), batch_size)
    organisation_rows = _bulk(Organization, _organisations(rng, organisations, prefix), batch_size)
    series_rows = (
        _bulk(
            MeetingSeries,
            [
                MeetingSeries(name=f"{name} ({prefix})", slug=f"{prefix}-series-{number}")
                for number, name in enumerate(SERIES, start=1)
            ],
            batch_size,
        )
        if meetings
        else []
    )

    meeting_rows = []
    numbers = dict.fromkeys(range(len(series_rows)), 0)
    for number in range(1, meetings + 1):
        which = min(int(len(series_rows) * rng.random() ** 1.5), len(series_rows) - 1)
        numbers[which] += 1
        series = series_rows[which]
        ordinal = numbers[which]
        place = rng.choice(PLACES)
        mode = Mode.VIDEO if not place or rng.random() < 0.15 else Mode.IN_PERSON
        nth = humanize.ordinal(ordinal)  # 1st, 2nd, 11th
        summary = f"The {nth} meeting of the {series.name} was held. {_sentence(rng)}"
        meeting = Meeting(
            series=series,
            number=ordinal,
            title=f"{nth} meeting of the {SERIES[which]}"[:300],
            slug=f"{prefix}-meeting-{number}",
            place=place,
            mode=mode,
            summary=summary,
            full_text=f"{summary} {_details(rng, rng.randint(4, 10))}",
            source_document=f"{prefix}-release-{number}.txt",
            **_publication(rng, now),
        )
        date = _fuzzy_date(rng)
        if date.precision == DatePrecision.UNKNOWN and rng.random() < 0.7:
            date = FuzzyDate.day(dt.date(rng.randint(2008, 2030), 1, 1))
        meeting.fuzzy_date = date
        meeting.derive_fields()
        meeting_rows.append(meeting)
    meeting_rows = _bulk(Meeting, meeting_rows, batch_size)
    say(f"  {len(meeting_rows)} meetings")

    attendances = []
    total = 0
    for meeting in meeting_rows:
        size = rng.randint(20, 40)
        chairs, persons = _split(_skewed(rng, person_rows, size // 2), 2)
        bodies = _skewed(rng, organisation_rows, size - len(chairs) - len(persons))
        position = 0
        for side, person in zip((Side.HONG_KONG, Side.SHENZHEN), chairs, strict=False):
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person=person,
                    role=Role.CO_CHAIR,
                    post=rng.choice(POSTS),
                    side=side,
                    position=position,
                )
            )
            position += 1
        for person in persons:
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person=person,
                    role=Role.ATTENDEE,
                    post=rng.choice(POSTS),
                    side=rng.choice(SIDES[:2]),
                    position=position,
                )
            )
            position += 1
        briefers = max(1, len(bodies) // 8)
        for index, body in enumerate(bodies):
            attendances.append(
                Attendance(
                    meeting=meeting,
                    organisation=body,
                    role=Role.BRIEFER if index < briefers else Role.REPRESENTATIVE,
                    side=body.side,
                    position=position,
                )
            )
            position += 1
        if len(attendances) >= batch_size:
            total += len(_bulk(Attendance, attendances, batch_size))
            attendances = []
    total += len(_bulk(Attendance, attendances, batch_size))
    say(f"  {total} attendances")
    invalidate()  # bulk_create sends no signals
    after_bulk_write()
    return GeneratedHistory(
        milestones=milestones,
        meetings=len(meeting_rows),
        attendances=total,
        people=len(person_rows),
        organisations=len(organisation_rows),
        series=len(series_rows),
    )
