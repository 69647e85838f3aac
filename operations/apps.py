from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backup and restore, synthetic history for load tests."""

    name = "operations"
    verbose_name = "Operations"
