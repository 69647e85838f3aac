from django.apps import AppConfig


class PagesConfig(AppConfig):
    """The site's front door: the home page, robots.txt and the sitemap of list pages."""

    name = "pages"
    verbose_name = "Pages"
