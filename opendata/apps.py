from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """The published history for machines: /api/ (JSON lists, CSVs, TimelineJS JSON)."""

    name = "opendata"
    verbose_name = "Open data"
