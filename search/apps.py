from django.apps import AppConfig


class SearchConfig(AppConfig):
    """One search over the whole public site (/search/)."""

    name = "search"
    verbose_name = "Search"
