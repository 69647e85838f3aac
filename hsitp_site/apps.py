from django.apps import AppConfig


class HsitpSiteConfig(AppConfig):
    """The project package as an app: site templates, static files and shared commands."""

    name = "hsitp_site"
    verbose_name = "Site"
