"""python manage.py backup_site [--output PATH]"""

from django.core.management.base import BaseCommand, CommandError

from operations.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write the curated data (milestones, meetings, people, organisations, pictures, "
        "accounts and roles; not the revision history) and the pictures' files into one "
        ".tar.gz archive. Default: backups/hsitp-YYYYmmdd-HHMMSS.tar.gz. The archive holds "
        "password hashes: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", metavar="PATH", help="Where to write the archive (.tar.gz)."
        )

    def handle(self, *args, output=None, **options):
        try:
            report = create_backup(output)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.SUCCESS(report.summary()))
        else:
            self.stdout.write(str(report.path))
