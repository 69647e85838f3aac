from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HsitpSiteConfig(AppConfig):
    """The project package as an app: its base templates, static files, template filters."""

    name = "hsitp_site"
    verbose_name = "Site"
    default = True


class HistoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: the editors' desk, with counts on its index page."""

    default = False
    default_site = "publishing.sites.HistoryAdminSite"
