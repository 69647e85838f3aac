from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """What everything the public reads shares: publication, dates, provenance, roles."""

    name = "publishing"
    verbose_name = "Publishing"
