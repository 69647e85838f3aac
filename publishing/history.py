"""The revision history as editors read it: each version with when (Hong Kong time, to the
minute), who and why, and what changed, in the labels of the change form ("Date precision:
Day → Month", "State: Draft → In review") and, for text, the whole text with the words
taken out and put in marked.

The helpers are pure (no queries of their own once given the related objects);
`ReadableHistoryAdmin` puts them on django-simple-history's History page and its
per-version (revert) page, in a fixed number of queries whatever the number of versions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from difflib import SequenceMatcher

from django.contrib.admin.exceptions import NotRegistered
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import date_format, get_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

# Kept by the database on every save, or set once: never an editor's change.
AUDIT_FIELDS = frozenset({"created_at", "updated_at"})

# A word and the white space after it (kept, so that the text reads as written).
_WORDS = re.compile(r"(\S+)(\s*)")

# Who may follow a "Changed by" link: the URL of a user's admin page, or None.
UserURL = Callable[[models.Model], str] | None


@dataclass(frozen=True)
class Change:
    """One field's change from a version to the next, as editors read it."""

    name: str  # the field's name: "date_precision"
    label: str  # as the change form labels it: "Date precision"
    old: str  # as editors see the value: "Day", "none", "Yes", "5 March 2024, 09:02 HKT"
    new: str
    diff: SafeString | None = None  # for text: the whole new text, words out and in marked


@dataclass(frozen=True)
class Version:
    """One row of the History page."""

    label: str  # the item as it was then (its str)
    when: str  # "5 March 2024, 09:02 HKT"
    when_iso: str  # for <time datetime>
    changed_by: str  # the editor's name, or "an import or another program"
    changed_by_url: str  # their admin page, "" when the viewer may not open it
    reason: str  # the change reason, "" when none was given
    changes: list[Change] = dataclass_field(default_factory=list)
    action: str = ""  # Created, Changed, Deleted


def _words(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text's leading white space, and its words each with the white space after it."""
    text = text or ""
    body = text.lstrip()
    return text[: len(text) - len(body)], _WORDS.findall(body)


def _common_ends(old: list[str], new: list[str]) -> tuple[int, int]:
    """How many words the two lists share at the start, and then at the end."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    return start, end


def word_diff(old: str, new: str) -> SafeString:
    """The whole of `new`, with the words of `old` it lost in <del> and those it gained in
    <ins>. Everything is escaped; white space is kept as written (show it pre-wrapped)."""
    _, before = _words(old)
    lead, after = _words(new)
    old_words, new_words = [w for w, _ in before], [w for w, _ in after]
    # Most edits touch one place: the words around it are matched without the diff (which
    # on a whole release's text would take seconds; on the words between, milliseconds).
    start, end = _common_ends(old_words, new_words)
    matcher = SequenceMatcher(
        None,
        old_words[start : len(old_words) - end],
        new_words[start : len(new_words) - end],
        autojunk=False,
    )
    operations = [
        ("equal", 0, start, 0, start),
        *(
            (operation, i1 + start, i2 + start, j1 + start, j2 + start)
            for operation, i1, i2, j1, j2 in matcher.get_opcodes()
        ),
        ("equal", len(old_words) - end, len(old_words), len(new_words) - end, len(new_words)),
    ]
    parts = [escape(lead)]
    for operation, i1, i2, j1, j2 in operations:
        if operation == "equal":
            parts.append(escape("".join(w + space for w, space in after[j1:j2])))
            continue
        lost = "".join(w + space for w, space in before[i1:i2])
        gained = "".join(w + space for w, space in after[j1:j2])
        if lost:
            parts.append(format_html("<del>{}</del>", lost.rstrip()))
        if gained:
            parts.append(format_html("<ins>{}</ins>", gained.rstrip()))
        # The white space after the change: the new text's, or (words only taken out) the
        # old text's, so that the words either side stay apart.
        parts.append(escape((gained or lost)[len((gained or lost).rstrip()) :]))
    return mark_safe("".join(parts))  # every part is escaped above


def hong_kong_time(value: dt.datetime, *, seconds: bool = False) -> str:
    """ "5 March 2024, 09:02 HKT": the site's time (settings.TIME_ZONE, Hong Kong), to the
    minute (or to the second)."""
    pattern = get_format("DATETIME_FORMAT") + (":s" if seconds else "")
    return f"{dateformat.format(timezone.localtime(value), pattern)} HKT"


def shown_fields(record, exclude: Iterable[str] = ()) -> list[models.Field]:
    """The fields of the record's model an editor sets: not the primary key, not fields
    the model derives or the database keeps (`editable=False`, auto_now, auto_now_add)."""
    hidden = AUDIT_FIELDS | set(exclude)
    return [
        field
        for field in record.tracked_fields
        if field.editable
        and not field.primary_key
        and not getattr(field, "auto_now", False)
        and not getattr(field, "auto_now_add", False)
        and field.name not in hidden
    ]


def _foreign_keys(record) -> list[models.ForeignKey]:
    return [field for field in record.tracked_fields if field.many_to_one or field.one_to_one]


def related_objects(records: Iterable) -> dict[str, dict]:
    """The objects the records' foreign keys point to, {field name: {key: object}}: one
    query per foreign key (none for a key empty in every record)."""
    records = [record for record in records if record is not None]
    found: dict[str, dict] = {}
    for fk in _foreign_keys(records[0]) if records else []:
        keys = {getattr(record, fk.attname) for record in records} - {None}
        target = fk.target_field
        manager = fk.related_model._base_manager
        by = "pk" if target.primary_key else target.name
        found[fk.name] = manager.in_bulk(keys, field_name=by) if keys else {}
    return found


def short_hong_kong_time(value: dt.datetime) -> str:
    """ "5 Mar 2024, 09:02": the desk's messages, which say "(Hong Kong time)" after it."""
    return dateformat.format(timezone.localtime(value), "j M Y, H:i")


def _normalised(field: models.Field, value):
    """The value as compared: no change is seen where an editor would see none."""
    if _is_text(field):
        # Browsers send text areas with CRLF; an empty text may be stored as NULL.
        return (value or "").replace("\r\n", "\n")
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    return value


def display_value(field: models.Field, value, related: Mapping[str, Mapping]) -> str:
    """`value` of `field` as an editor sees it: a choice's label, a related object's str,
    Yes or No, a date as written, a time in Hong Kong to the minute, "none" for nothing."""
    if field.many_to_one or field.one_to_one:
        if value is None:
            return gettext("none")
        target = related.get(field.name, {}).get(value)
        if target is None:
            return gettext("a deleted %(item)s") % {"item": field.related_model._meta.verbose_name}
        return str(target)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value is None or value == "":
        return gettext("none")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, dt.datetime):
        return hong_kong_time(value)
    if isinstance(value, dt.date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def _is_text(field: models.Field) -> bool:
    return isinstance(field, (models.CharField, models.TextField)) and not field.choices


def readable_changes(
    record,
    previous,
    *,
    related: Mapping[str, Mapping] | None = None,
    exclude: Iterable[str] = (),
    order: Sequence[str] = (),
) -> list[Change]:
    """What changed from `previous` to `record` (two historical records of one item), in
    `order` (field names as the change form shows them), then in the model's. Foreign keys
    are read from `related` (see `related_objects`; fetched here, a query per foreign key,
    when not given)."""
    if previous is None:
        return []
    if related is None:
        related = related_objects([record, previous])
    position = {name: i for i, name in enumerate(order)}
    fields = sorted(shown_fields(record, exclude), key=lambda f: position.get(f.name, len(order)))
    changes = []
    for field in fields:
        old = _normalised(field, getattr(previous, field.attname))
        new = _normalised(field, getattr(record, field.attname))
        if old == new:
            continue
        old_shown, new_shown = (display_value(field, v, related) for v in (old, new))
        if old_shown == new_shown and isinstance(new, dt.datetime):
            # Times within the same minute: the seconds are the change.
            old_shown, new_shown = (hong_kong_time(v, seconds=True) for v in (old, new))
        changes.append(
            Change(
                name=field.name,
                label=capfirst(field.verbose_name),
                old=old_shown,
                new=new_shown,
                diff=word_diff(old, new) if _is_text(field) else None,
            )
        )
    return changes


def version_item(record, related: Mapping[str, Mapping]):
    """The item as it was in `record`, its foreign keys read from `related` rather than
    queried one version at a time."""
    item = record.history_object
    for fk in _foreign_keys(record):
        key = getattr(record, fk.attname)
        if key is not None:
            fk.set_cached_value(item, related.get(fk.name, {}).get(key))
    return item


def version_label(record, related: Mapping[str, Mapping], label=str) -> str:
    """The item as it was in `record`, as `label` names it (its str)."""
    return label(version_item(record, related))


def user_name(user) -> str:
    """Who saved a version: their full name, else their user name (none: an import, a
    command, or a user since deleted; said as publishing/editing.py says it)."""
    if user is None:
        return gettext("an import or another program")
    return user.get_full_name() or user.get_username()


def readable_version(
    record,
    previous,
    *,
    related: Mapping[str, Mapping],
    user_url: UserURL = None,
    exclude: Iterable[str] = (),
    order: Sequence[str] = (),
    label=str,
) -> Version:
    """One row of the History page: `record` and what changed since `previous`."""
    user = record.history_user
    return Version(
        label=version_label(record, related, label),
        when=hong_kong_time(record.history_date),
        when_iso=record.history_date.isoformat(),
        changed_by=user_name(user),
        changed_by_url=user_url(user) if user and user_url else "",
        reason=(record.history_change_reason or "").strip(),
        changes=readable_changes(record, previous, related=related, exclude=exclude, order=order),
        action=record.get_history_type_display(),
    )


class ReadableHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose History page reads clearly (see the module's docstring).

    `history_hidden_fields` names further fields never listed as changes (fields the model
    derives, or that editors never see, are already left out: see `shown_fields`)."""

    object_history_list_template = "simple_history/readable_history_list.html"
    object_history_form_template = "simple_history/readable_history_form.html"
    # The fingerprint is the original text's SHA-256: its change is the original text's,
    # listed as such.
    history_hidden_fields: tuple[str, ...] = ("source_fingerprint",)
    # Reverse relations edited on the same change form (a meeting's "attendances"): their
    # revisions are listed on the item's History page too (and count as the item's version:
    # publishing/editing.py).
    versioned_related: tuple[str, ...] = ()
    related_history_rows = 100  # the newest, per relation

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.versioned_related:
            sections = [self.related_history(request, obj, name) for name in self.versioned_related]
            extra_context = {**(extra_context or {}), "related_histories": sections}
        return super().history_view(request, object_id, extra_context)

    def related_version_label(self, item) -> str:
        """A related row's name on the item's History page (e.g. without the item's)."""
        return str(item)

    def related_history(self, request, obj, name: str) -> dict:
        """The revisions of `obj`'s related rows `name`, newest first, each with what
        changed since that row's version before (a query, and one per foreign key)."""
        relation = obj._meta.get_field(name)
        model = relation.related_model
        records = list(
            model.history.filter(**{relation.field.attname: obj.pk})
            .select_related("history_user")
            .order_by("history_id")
        )
        related = related_objects(records)
        user_url = self.history_user_url(request)
        pk_name = model._meta.pk.attname
        before: dict = {}
        versions = []
        for record in records:
            key = getattr(record, pk_name)
            versions.append(
                readable_version(
                    record,
                    before.get(key),
                    related=related,
                    user_url=user_url,
                    label=self.related_version_label,
                )
            )
            before[key] = record
        versions.reverse()
        shown = self.related_history_rows
        return {
            "title": capfirst(model._meta.verbose_name_plural),
            "versions": versions[:shown],
            "more": max(0, len(versions) - shown),
        }

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # The users joined; the objects foreign keys point to are fetched once for the
        # page (set_history_delta_changes), not joined to every version.
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return queryset.select_related(None).select_related("history_user")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Give each version of the page `readable` (a Version) and its changes as
        `history_delta_changes`, comparing the page's oldest with the version before it."""
        records = list(historical_records)
        if not records:
            return
        previous = [*records[1:], self._version_before(historical_records)]
        related = related_objects([*records, previous[-1]])
        user_url = self.history_user_url(request)
        order = flatten_fieldsets(self.get_fieldsets(request))
        for record, before in zip(records, previous, strict=True):
            record.readable = readable_version(
                record,
                before,
                related=related,
                user_url=user_url,
                exclude=self.history_hidden_fields,
                order=order,
            )
            record.history_delta_changes = record.readable.changes

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """The per-version page, saying which version it shows (when, who, why)."""
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        record = (
            history.filter(**{self.opts.pk.attname: object_id}, history_id=version_id)
            .select_related("history_user")
            .first()
        )
        if record is not None:
            related = related_objects([record])
            version = readable_version(
                record, None, related=related, user_url=self.history_user_url(request)
            )
            extra_context = {"history_version": version, **(extra_context or {})}
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_user_url(self, request) -> UserURL:
        """A user's admin page, when the viewer may open it (view or change users)."""
        user_model = get_user_model()
        try:
            user_admin = self.admin_site.get_model_admin(user_model)
        except NotRegistered:
            return None
        if not user_admin.has_view_permission(request):
            return None
        opts = user_model._meta
        name = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change"
        return lambda user: reverse(name, args=[user.pk])

    @staticmethod
    def _version_before(page):
        """The version just older than the page's last (the next page's first), or None."""
        if not hasattr(page, "paginator") or not page.has_next():
            return None
        end = page.end_index()
        return next(iter(page.paginator.object_list[end : end + 1]), None)
