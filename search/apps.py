from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    """One search over the whole public site (/search/)."""

    name = "search"
    verbose_name = "Search"

    def ready(self):
        from django.apps import apps

        from search.indexes import full_text_indexes

        # Once a migrate has run every app's migrations: post_migrate is sent for each app
        # with models (this one has none), so for the meetings app, whose tables and the
        # milestones' (it depends on them) are those indexed.
        meetings = apps.get_app_config("meetings")
        post_migrate.connect(full_text_indexes, sender=meetings, dispatch_uid="hsitp_search_fts")
