"""The editors' desk: Django's admin site with the desk's counts on its index page, and the
pages other apps add to it (the import page: importing/admin.py)."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import path, reverse

from publishing.admin import edited_by, in_review, scheduled
from publishing.models import DatedModel, PublicationState, publishable_models
from publishing.pending import pending_q


@dataclass(frozen=True)
class DeskPage:
    """A page of the desk beyond the models' lists: /admin/<route>, named admin:<name>."""

    route: str
    view: object
    name: str
    label: str  # the index page's button
    # The permissions the page needs (asked when the index is shown, since what they are may
    # be registered after the page): the button shows to those who hold them all.
    permissions: Callable[[], Iterable[str]] = tuple


class HistoryAdminSite(admin.AdminSite):
    site_header = "HSITP History: editors' desk"
    site_title = "HSITP History admin"
    index_title = "Curate the park's history"
    index_template = "admin/desk_index.html"  # the desk's counts and pages above the apps

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.desk_pages: list[DeskPage] = []

    def add_page(self, page: DeskPage) -> None:
        """Add a page to the desk (from an app's admin.py, as models are registered)."""
        self.desk_pages.append(page)

    def get_urls(self):
        pages = [
            path(page.route, self.admin_view(page.view), name=page.name) for page in self.desk_pages
        ]
        return [*pages, *super().get_urls()]

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "desk": self.desk_counts(request),
            "desk_pages": [
                {"label": page.label, "url": reverse(f"{self.name}:{page.name}")}
                for page in self.desk_pages
                if request.user.has_perms(page.permissions())
            ],
        }
        return super().index(request, extra_context)

    def publishable_models(self) -> list:
        """The registered models the public reads."""
        return [model for model in publishable_models() if model in self._registry]

    def desk_counts(self, request) -> list[dict]:
        """Drafts, in review (changes submitted for review too), scheduled (changes too),
        pending changes and undated, per publishable model (a query each)."""
        rows = []
        for model in self.publishable_models():
            opts = model._meta
            if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
                continue
            dated = issubclass(model, DatedModel)
            drafts = Q(state=PublicationState.DRAFT)
            counts = model.objects.aggregate(
                mine=Count("pk", filter=drafts & edited_by(model, request.user)),
                drafts=Count("pk", filter=drafts),
                review=Count("pk", filter=in_review(model)),
                scheduled=Count("pk", filter=scheduled(model)),
                pending=Count("pk", filter=pending_q(model)),
                **({"undated": Count("pk", filter=Q(date_precision="unknown"))} if dated else {}),
            )
            url = reverse(f"{self.name}:{opts.app_label}_{opts.model_name}_changelist")
            publisher = request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")
            cells = [
                ("My drafts", counts["mine"], f"{url}?status=draft&editor=me"),
                ("Drafts", counts["drafts"], f"{url}?status=draft"),
                (
                    "Awaiting my review" if publisher else "In review",
                    counts["review"],
                    f"{url}?status=review",
                ),
                ("Scheduled", counts["scheduled"], f"{url}?status=scheduled"),
                ("Pending changes", counts["pending"], f"{url}?status=pending"),
            ]
            if dated:
                cells.append(("Undated", counts["undated"], f"{url}?date_precision__exact=unknown"))
            rows.append({"name": opts.verbose_name_plural.capitalize(), "counts": cells})
        return rows
