from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: backup and restore, the health check, the deployment checks,
    synthetic history for load tests."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from operations import checks  # noqa: F401  registers the system checks (Django's way)
