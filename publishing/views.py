"""The view mixins that keep drafts from the public, and let staff preview them; and the
403 page, which in the admin says what to do instead."""

from django.contrib import admin
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext

from publishing.models import PendingChange, SlugRedirect

# How long a browser may keep a redirect from an old address before asking again: an
# editor may give the address back to its item (b -> a after a -> b), and a redirect kept
# for ever would then send readers round in a loop.
MOVED_MAX_AGE = 60 * 60


class PublicQuerysetMixin:
    """Public views start from `visible()`: published items only."""

    model = None

    def visible(self):
        return self.model.objects.published()

    def get_queryset(self):
        return self.visible()


class MovedSlugMixin:
    """Detail pages found by slug: at an address its item had before an editor changed the
    slug, a permanent redirect (301) to the item's address now, the query string kept
    (`?page=2` of a person's meetings). Asked only when no item has the address (the 404),
    so a page costs no query more; the item must be one this reader may open."""

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            moved = self.moved_to()
            if moved is None:
                raise
            return moved

    def moved_to(self) -> HttpResponsePermanentRedirect | None:
        slug = self.kwargs.get(self.slug_url_kwarg)
        if not slug:
            return None
        old = SlugRedirect.objects.of_model(self.get_queryset().model).filter(old_slug=slug)
        # values_list: the slug alone, not the page's select_related and prefetches.
        current = self.get_queryset().filter(pk__in=old.values("object_id"))
        current = current.values_list("slug", flat=True).first()
        if current is None:
            return None
        url = reverse(self.request.resolver_match.view_name, kwargs={self.slug_url_kwarg: current})
        query = self.request.META.get("QUERY_STRING", "")
        response = HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        patch_cache_control(response, max_age=MOVED_MAX_AGE)
        return response


class PendingPreviewMixin:
    """Detail pages of what may have a pending change: staff see it at the public URL, as it
    would be published, under a banner; responses to staff are never cached."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.pending = None
        if self.request.user.is_staff and self.is_live(obj):
            self.pending = PendingChange.objects.of(obj).select_related("author").first()
            if self.pending is not None:
                model_admin = admin.site.get_model_admin(type(obj))
                form_class = model_admin.get_form(self.request, obj, change=True)
                self.pending.bound_form(form_class, obj).is_valid()  # in memory only
        return obj

    def is_live(self, obj) -> bool:
        return True  # the queryset holds public items only

    def preview_note(self) -> str:
        return ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["preview"] = self.preview_note()  # "" for a public item
        if self.pending is not None:
            author = self.pending.author.get_username() if self.pending.author else "someone"
            context["preview"] = gettext(
                "Pending change by %(author)s: readers see the live version until a "
                "publisher publishes it."
            ) % {"author": author}
        return context

    def dispatch(self, request, *args, **kwargs):
        response = super().dispatch(request, *args, **kwargs)
        if request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class PreviewMixin(PendingPreviewMixin):
    """Detail pages of publishable items: staff open any item, draft or scheduled, at its
    public URL, with a banner saying it is not public."""

    def visible(self):
        return self.model.objects.visible_to(self.request.user)

    def is_live(self, obj) -> bool:
        return obj.is_public

    def preview_note(self) -> str:
        return self.object.not_public_because


def permission_denied(request, exception=None):
    """handler403: in the admin, the desk's own page with the reason and a way back (never a
    bare "403 Forbidden"); elsewhere the site's page."""
    reason = str(exception or "")
    if request.path.startswith(f"/{admin.site.name}/") and request.user.is_staff:
        context = {**admin.site.each_context(request), "title": "Not allowed", "reason": reason}
        return render(request, "admin/permission_denied.html", context, status=403)
    return render(request, "403.html", status=403)
