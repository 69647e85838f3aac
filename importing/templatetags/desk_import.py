"""The import page's links: a record's page at the desk."""

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.filter
def desk_url(obj) -> str:
    """The admin change page of `obj`, or "" if it has none."""
    if obj is None or getattr(obj, "pk", None) is None:
        return ""
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""
