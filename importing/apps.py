from django.apps import AppConfig


class ImportingConfig(AppConfig):
    """Seed documents into draft records: `import_seeds`, the desk's import page, and
    `load_curated`. The importers themselves register from their apps' ready()."""

    name = "importing"
    verbose_name = "Importing"
