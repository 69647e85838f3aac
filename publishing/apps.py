from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """What everything the public reads shares: publication, dates, provenance, roles."""

    name = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from publishing import scheduling

        scheduling.connect()  # every process learns when the next scheduled change is due
