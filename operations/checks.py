"""System checks of the configuration (`manage.py check --deploy`, README "Deploying")."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104: names, not a bind


@register(Tags.security, deploy=True)
def site_url_is_public(app_configs=None, **kwargs):
    """DJANGO_SITE_URL left at its local default would put 127.0.0.1 into every calendar
    UID and feed id the site hands out: they must never change once subscribed to."""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if host in LOCAL_HOSTS:
        return [
            Warning(
                f"DJANGO_SITE_URL is {settings.SITE_URL}, a local address.",
                hint="Set DJANGO_SITE_URL to the site's public origin "
                "(https://history.example.org) before anyone subscribes to its calendar or "
                "feeds: their ids are made from it and must never change.",
                id="hsitp.W001",
            )
        ]
    return []
