from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HsitpSiteConfig(AppConfig):
    """The project package as an app: site templates, static files and shared commands."""

    name = "hsitp_site"
    verbose_name = "Site"
    default = True

    def ready(self):
        from hsitp_site import caching

        caching.connect_signals()  # writes to public content invalidate the page cache


class HistoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin with our site: the editors' desk, with counts on its index page."""

    default = False
    default_site = "hsitp_site.admin.HistoryAdminSite"
