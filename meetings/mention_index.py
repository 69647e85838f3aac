"""The milestones that mention each person and organisation, kept as rows (MilestoneMention).

A person's page lists the milestones whose text mentions them. Finding those by reading
every milestone's text for the name (`LIKE '%name%'`) costs a scan of the whole history
on every uncached page (on SQLite; PostgreSQL has a trigram index): 58 ms at 10,000
milestones. The rows are written instead when a text changes:

* a milestone saved: its texts read against every attendee's names (`refresh_milestone`);
* a person or organisation saved: the milestones that contain one of their names, then
  checked as whole words (`refresh_attendee`; a scan, but once per edit, not per reader);
* after a bulk write that sent no signals (an import, generated history, a restore): the
  whole history at once (`rebuild`), in one pass over the texts.

What "mentions" means is `publishing.mentions.NameIndex`: the same rule the pages use to
link names. Every write happens in the caller's transaction, beside the change it follows.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_save

from meetings.models import MilestoneMention, Organization, Person
from milestones.models import CHINESE_TEXTS, ENGLISH_TEXTS, Milestone
from pagecache.version import invalidate
from publishing.database import bulk_written, serialise
from publishing.mentions import NameIndex

KINDS = {"person": Person, "organisation": Organization}
# One refresh at a time (publishing.database.serialise): a milestone naming someone and
# that person's row, written at once by two transactions, would otherwise each be read
# before the other committed, and the row between them never written.
LOCK_KEY = 0x48534954_6D656E74  # "HSIT" "ment"
BATCH = 2000


def _attendee_index(rows=None) -> NameIndex:
    """An index of every person's and organisation's names (or of `rows`' only), keyed by
    ("person", pk) or ("organisation", pk)."""
    named = []
    for field, model in KINDS.items():
        for obj in model.objects.all() if rows is None else rows.get(field, ()):
            named.append(((field, obj.pk), obj.mention_names))
    return NameIndex(named)


def _texts(milestone) -> tuple[str, str]:
    return (
        "\n".join(getattr(milestone, field) for field in ENGLISH_TEXTS),
        "\n".join(getattr(milestone, field) for field in CHINESE_TEXTS),
    )


def _row(milestone_id: int, key: tuple[str, int]) -> MilestoneMention:
    field, pk = key
    return MilestoneMention(milestone_id=milestone_id, **{f"{field}_id": pk})


def _key(mention: MilestoneMention) -> tuple[int, tuple[str, int]]:
    if mention.person_id is not None:
        return mention.milestone_id, ("person", mention.person_id)
    return mention.milestone_id, ("organisation", mention.organisation_id)


def _write(wanted: set, existing: dict) -> None:
    """Make the rows `existing` ({(milestone_id, key): row id}) into `wanted`."""
    stale = [pk for pair, pk in existing.items() if pair not in wanted]
    if stale:
        MilestoneMention.objects.filter(pk__in=stale).delete()
    new = [_row(*pair) for pair in wanted if pair not in existing]
    if new:
        MilestoneMention.objects.bulk_create(new, batch_size=BATCH)
        invalidate(tables={MilestoneMention._meta.db_table})  # bulk_create sends no signal


def _existing(mentions) -> dict:
    return {_key(m): m.pk for m in mentions.only("milestone", "person", "organisation")}


@transaction.atomic
def refresh_milestone(milestone: Milestone) -> None:
    """The rows of one milestone, from its texts as saved."""
    serialise(LOCK_KEY)
    found = _attendee_index().found_in(*_texts(milestone))
    wanted = {(milestone.pk, key) for key in found}
    _write(wanted, _existing(MilestoneMention.objects.filter(milestone=milestone.pk)))


@transaction.atomic
def refresh_attendee(attendee: Person | Organization) -> None:
    """The rows of one person or organisation, from their names as saved."""
    serialise(LOCK_KEY)
    field = next(f for f, model in KINDS.items() if isinstance(attendee, model))
    index = _attendee_index({field: [attendee]})
    candidates = Milestone.objects.containing_any(attendee.mention_names).only(
        *ENGLISH_TEXTS, *CHINESE_TEXTS
    )
    wanted = {
        (milestone.pk, key)
        for milestone in candidates
        for key in index.found_in(*_texts(milestone))
    }
    _write(wanted, _existing(MilestoneMention.objects.filter(**{field: attendee.pk})))


@transaction.atomic
def rebuild() -> None:
    """Every row, from every milestone's texts and every attendee's names."""
    serialise(LOCK_KEY)
    index = _attendee_index()
    wanted = set()
    milestones = Milestone.objects.only(*ENGLISH_TEXTS, *CHINESE_TEXTS).order_by()
    for milestone in milestones.iterator(chunk_size=BATCH):
        wanted |= {(milestone.pk, key) for key in index.found_in(*_texts(milestone))}
    _write(wanted, _existing(MilestoneMention.objects.all()))


# --- Kept up to date -----------------------------------------------------------------------


def _milestone_saved(sender, instance, raw=False, update_fields=None, using=None, **kwargs):
    if raw:
        _rebuild_after_commit(using)
    elif update_fields is None or set(update_fields) & {*ENGLISH_TEXTS, *CHINESE_TEXTS}:
        refresh_milestone(instance)


def _attendee_saved(sender, instance, raw=False, using=None, **kwargs) -> None:
    if raw:
        _rebuild_after_commit(using)
    else:
        refresh_attendee(instance)


def _rebuild_after_commit(using) -> None:
    """loaddata saves rows one by one, in whatever order the fixture has (a milestone before
    the people it names): the whole index is rebuilt once when it commits, rather than for
    every row. The page cache is invalidated after, as the rows are new content."""
    alias = using or DEFAULT_DB_ALIAS
    run = _rebuilders.setdefault(alias, _Rebuilder(alias))
    if not any(func is run for _sids, func, _robust in connections[alias].run_on_commit):
        transaction.on_commit(run, using=alias)


class _Rebuilder:
    def __init__(self, using: str):
        self.using = using

    def __call__(self) -> None:
        rebuild()
        # The rows it was rebuilt after dropped their own pages: this drops those that read
        # the index (a person's or body's page).
        invalidate(self.using, tables={MilestoneMention._meta.db_table})


_rebuilders: dict[str, _Rebuilder] = {}


def _bulk_written(sender, **kwargs) -> None:
    rebuild()


def connect() -> None:
    """Called once, from MeetingsConfig.ready()."""
    post_save.connect(_milestone_saved, sender=Milestone, dispatch_uid="hsitp_mentions_milestone")
    for model in KINDS.values():
        post_save.connect(_attendee_saved, sender=model, dispatch_uid=f"hsitp_mentions_{model}")
    bulk_written.connect(_bulk_written, dispatch_uid="hsitp_mentions_bulk")
