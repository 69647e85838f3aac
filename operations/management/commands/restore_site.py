"""python manage.py restore_site ARCHIVE [--force]"""

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by backup_site into a freshly migrated, empty database "
        "(and its media storage). Refuses a database that already holds the site's data "
        "unless --force, which deletes that data first. All or nothing for the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", metavar="ARCHIVE", help="A backup_site .tar.gz archive.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Delete the site's milestones, meetings, people, organisations and pictures "
            "first, and overwrite media files of the same name.",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            report = restore_backup(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(report.summary()))
