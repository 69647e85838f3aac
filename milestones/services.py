"""Writes for milestones: importing a timeline seed document."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from importing.documents import IMPORT_REASON, ImportReport, SeedDocument
from milestones.models import MergedParagraph, Milestone
from milestones.parsing import ParsedMilestone, derive_title, find_date, parse_timeline
from publishing.models import PublicationState
from publishing.text import unique_slug

PROGRESS_EVERY = 1000


def is_as_imported(milestone: Milestone) -> bool:
    """True when no editor has touched what the importer derived from the original text."""
    date, notes = find_date(milestone.source_text)
    return (
        milestone.state == PublicationState.DRAFT
        and milestone.title == derive_title(milestone.source_text)
        and milestone.body == milestone.source_text
        and milestone.fuzzy_date == date.normalised()
        and milestone.needs_review == bool(notes)  # an editor's review is work too
        and milestone.review_note == " ".join(notes)
    )


def _apply(milestone: Milestone, document: SeedDocument, parsed: ParsedMilestone) -> None:
    milestone.title = parsed.title
    milestone.body = parsed.text
    milestone.fuzzy_date = parsed.date
    milestone.source_document = document.name
    milestone.source_url = document.url  # from seeds/sources.csv: where the text is published
    milestone.source_paragraph = parsed.paragraph
    milestone.source_text = parsed.text
    milestone.source_fingerprint = parsed.fingerprint
    milestone.needs_review = parsed.needs_review
    milestone.review_note = " ".join(parsed.review_notes)


def import_timeline(document: SeedDocument, report: ImportReport, *, publish: bool = False):
    """Create a milestone for each new paragraph; never overwrite an editor's work.

    A paragraph is recognised by its fingerprint (unchanged, wherever it now stands), else
    by its paragraph number (its text changed in the seed): an untouched record is updated,
    an edited one is kept and the change reported.
    """
    parsed_list = parse_timeline(document.text)
    existing = list(Milestone.objects.filter(source_document=document.name))
    merged = list(
        MergedParagraph.objects.filter(source_document=document.name).select_related("milestone")
    )
    by_fingerprint = {m.source_fingerprint: m for m in existing}
    by_fingerprint.update({p.source_fingerprint: p.milestone for p in merged})
    by_fingerprint.update(_imported_from_other_documents(document, parsed_list))
    # Records whose text is no longer in the seed: their paragraph's text has changed.
    seen = {p.fingerprint for p in parsed_list}
    by_paragraph = {m.source_paragraph: m for m in existing if m.source_fingerprint not in seen}
    merged_paragraphs = {p.source_paragraph: p for p in merged if p.source_fingerprint not in seen}
    # What holds each unchanged paragraph's position: the milestone, or the merged paragraph.
    by_position = {m.source_fingerprint: m for m in existing}
    by_position.update({p.source_fingerprint: p for p in merged})
    moves: list[tuple[Milestone | MergedParagraph, int]] = []
    taken = set(Milestone.objects.values_list("slug", flat=True))
    slug_counters: dict[str, int] = {}
    now = timezone.now()
    new: list[Milestone] = []

    for count, parsed in enumerate(parsed_list, start=1):
        if count % PROGRESS_EVERY == 0:
            report.say(f"  {count}/{len(parsed_list)} paragraphs")
        where = f"{document.path}:{parsed.line}"
        # Records by file and line, and by paragraph, as the public page names the source.
        paragraph = f"{where} (paragraph {parsed.paragraph})"
        if parsed.fingerprint in by_fingerprint:
            record = by_position.get(parsed.fingerprint)
            if record is not None and record.source_paragraph != parsed.paragraph:
                moves.append((record, parsed.paragraph))  # paragraphs inserted or removed before it
            title = by_fingerprint[parsed.fingerprint].title
            report.record("unchanged", f"{paragraph} {title!r}")
            continue
        if parsed.paragraph in merged_paragraphs:
            target = merged_paragraphs[parsed.paragraph].milestone
            report.conflict(
                f"{where}: paragraph {parsed.paragraph} changed in the seed since it was "
                f"merged into milestone {target.slug!r}; the merged version is kept. "
                "Compare the two and update it by hand."
            )
            continue
        milestone = by_paragraph.get(parsed.paragraph)
        if milestone is None:
            slug = unique_slug(parsed.title, taken, fallback="milestone", counters=slug_counters)
            milestone = Milestone(slug=slug)
            _apply(milestone, document, parsed)
            if publish:
                milestone.state, milestone.published_at = PublicationState.PUBLISHED, now
            milestone.derive_fields()
            milestone.full_clean(validate_unique=False, validate_constraints=False)
            new.append(milestone)
            report.record(
                "created", f"{paragraph} {milestone.title!r}", needs_review=parsed.needs_review
            )
        elif is_as_imported(milestone):
            _apply(milestone, document, parsed)
            milestone.full_clean(validate_unique=False, validate_constraints=False)
            milestone.save()
            report.record(
                "updated", f"{paragraph} {milestone.title!r}", needs_review=parsed.needs_review
            )
        else:
            report.conflict(
                f"{where}: paragraph {parsed.paragraph} changed in the seed since it was "
                f"imported, and an editor has changed milestone {milestone.slug!r}; the "
                "editor's version is kept. Compare the two and update it by hand."
            )
    _renumber(moves, report, document)
    bulk_create_with_history(new, Milestone, batch_size=500, default_change_reason=IMPORT_REASON)


def _imported_from_other_documents(document: SeedDocument, parsed_list) -> dict:
    """Paragraphs already imported from another document (the same seed pasted on the desk,
    or saved under another name) are the same milestones: fingerprint -> milestone."""
    fingerprints = [parsed.fingerprint for parsed in parsed_list]
    found = {
        m.source_fingerprint: m
        for m in Milestone.objects.filter(source_fingerprint__in=fingerprints)
        .exclude(source_document=document.name)
        .only("title", "source_fingerprint")
    }
    merged = (
        MergedParagraph.objects.filter(source_fingerprint__in=fingerprints)
        .exclude(source_document=document.name)
        .select_related("milestone")
    )
    found.update({p.source_fingerprint: p.milestone for p in merged})
    return found


def _renumber(moves, report: ImportReport, document: SeedDocument) -> None:
    """Unchanged paragraphs whose number changed (one was inserted or removed before them)
    take their new numbers, so that new paragraphs can take theirs. Their text, title, date
    and state stay as they are: only where the paragraph stands in the seed changes. Numbers
    are first cleared, then set, so that two records never hold one number in between."""
    if not moves:
        return
    for model in (Milestone, MergedParagraph):
        pks = [record.pk for record, _number in moves if isinstance(record, model)]
        model.objects.filter(pk__in=pks).update(source_paragraph=None)
    milestones = []
    for record, number in moves:
        report.details.append(
            f"moved: {document.path} paragraph {record.source_paragraph} -> {number}"
        )
        record.source_paragraph = number
        if isinstance(record, Milestone):
            record.sort_key = record.compute_sort_key()  # keeps its place among equal dates
            milestones.append(record)
        else:
            record.save(update_fields=["source_paragraph"])
    bulk_update_with_history(
        milestones,
        Milestone,
        ["source_paragraph", "sort_key"],
        batch_size=500,
        default_change_reason=f"{IMPORT_REASON}: paragraph renumbered",
    )


@transaction.atomic
def merge_milestones(milestones) -> Milestone:
    """Merge milestones into the earliest: bodies joined in order, every source paragraph
    kept as provenance, the others deleted (their history stays in the revision log)."""
    ordered = sorted(milestones, key=lambda m: m.sort_key)
    if len(ordered) < 2:
        raise ValueError("Choose at least two milestones to merge.")
    target, others = ordered[0], ordered[1:]
    bodies = [target.body]
    for other in others:
        if other.source_document:
            MergedParagraph.objects.create(
                milestone=target,
                source_document=other.source_document,
                source_paragraph=other.source_paragraph,
                source_fingerprint=other.source_fingerprint,
                source_text=other.source_text,
            )
        other.merged_paragraphs.update(milestone=target)
        bodies.append(other.body)
        other.delete()
    target.body = "\n\n".join(bodies)
    target._change_reason = f"merged {len(others)} milestone(s) into this one"
    target.save()
    return target
