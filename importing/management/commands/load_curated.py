"""python manage.py load_curated [FIXTURE ...] [--force]"""

from django.core.management.base import BaseCommand

from importing.curated import load_curated


class Command(BaseCommand):
    help = (
        "Load the curated fixtures (default: */fixtures/curated_*.json) once per version of "
        "the files, with a revision for every object; a version loaded before is left alone, "
        "so editors' changes since are kept. --force loads it again over them."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help="Fixture files (default: the curated).")
        parser.add_argument(
            "--force", action="store_true", help="Load even if this version was loaded before."
        )

    def handle(self, *args, fixtures, force, **options):
        result = load_curated(fixtures or None, force=force)
        if result.skipped:
            self.stdout.write(
                f"Curated data {result.version} was loaded before; editors' changes since are "
                "kept (--force loads it again)."
            )
        else:
            self.stdout.write(
                f"Loaded curated data {result.version}: {result.loaded} object(s), each with "
                "a revision."
            )
