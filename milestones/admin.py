from django.contrib import admin, messages
from django.db import models
from django.utils.html import format_html

from milestones.models import MergedParagraph, Milestone
from milestones.services import merge_milestones
from pictures.admin import thumbnail_html
from publishing.admin import (
    EditedByListFilter,
    PublishableAdmin,
    StatusListFilter,
    YearListFilter,
)
from publishing.models import PublicationState
from translations.desk import side_by_side, simplified_fieldset, translated_search_fields


class MergedParagraphInline(admin.TabularInline):
    model = MergedParagraph
    extra = 0
    can_delete = False
    fields = ["source_document", "source_paragraph", "source_text"]
    readonly_fields = fields
    verbose_name_plural = "paragraphs merged into this milestone"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Milestone)
class MilestoneAdmin(PublishableAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "thumbnail",
        "title",
        "date_display",  # the precision shows in how it is written ("May 2018", "2021")
        "status",
        "review_flag",
        "published_at",
    ]
    list_display_links = ["title"]
    actions = [*PublishableAdmin.actions, "merge_selected"]
    inlines = [MergedParagraphInline]
    list_filter = [
        StatusListFilter,
        EditedByListFilter,
        "date_precision",
        YearListFilter,
        "needs_review",
        "source_document",
    ]
    search_fields = [*translated_search_fields(Milestone, ["title", "body"]), "slug"]
    date_hierarchy = "date_start"
    prepopulated_fields = {"slug": ["title"]}
    list_per_page = 50
    autocomplete_fields = ["lead_image"]
    list_select_related = ["lead_image"]
    readonly_fields = [
        "source_original",
        "source_document",
        "source_paragraph",
        "source_fingerprint",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": side_by_side(Milestone, ["title", "slug", "body", "lead_image"])}),
        simplified_fieldset(Milestone),
        (
            "Date",
            {
                "fields": [
                    ("date_precision", "date_start", "date_end"),
                    *side_by_side(Milestone, ["date_basis"]),
                ],
                "description": "Day: the date. Month or year: any day inside it. Range: the "
                "earliest and the latest possible dates. Unknown: leave the dates empty.",
            },
        ),
        ("Publication", {"fields": ["state", "published_at", "needs_review", "review_note"]}),
        (
            "Source",
            {
                "fields": [
                    *side_by_side(Milestone, ["citation"]),
                    "source_url",
                    "source_original",
                    ("source_document", "source_paragraph"),
                ],
                "description": "The citation and its address are what readers see. The seed "
                "document is provenance, as the importer read it, for comparison while editing.",
            },
        ),
        (
            "Advanced",
            {"classes": ["collapse"], "fields": ["source_fingerprint", "created_at", "updated_at"]},
        ),
    ]

    @admin.action(description="Merge selected into the earliest one", permissions=["change"])
    def merge_selected(self, request, queryset):
        milestones = list(queryset)
        # Merging removes all but the first: for public milestones that is unpublishing and
        # deleting, which only publishers may do. Editors merge drafts and items in review.
        public = [m for m in milestones if m.state == PublicationState.PUBLISHED]
        if (
            len(milestones) > 1
            and public
            and not (self.has_publish_permission(request) and self.has_delete_permission(request))
        ):
            self.message_user(
                request,
                "Only a publisher can merge published or scheduled milestones "
                f"({', '.join(f'“{m.title}”' for m in public)}): ask a publisher to merge them, "
                "or to unpublish them first.",
                messages.ERROR,
            )
            return
        try:
            target = merge_milestones(milestones)
        except ValueError as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(
            request,
            f"Merged into “{target.title}”; every source paragraph is kept as provenance.",
            messages.SUCCESS,
        )

    @admin.display(description="Picture")
    def thumbnail(self, obj):
        return thumbnail_html(obj.lead_image, box=48)

    @admin.display(description="Original paragraph")
    def source_original(self, obj):
        if not obj.source_text:
            return "Written by an editor (no seed document)."
        return format_html('<blockquote class="source-text">{}</blockquote>', obj.source_text)
