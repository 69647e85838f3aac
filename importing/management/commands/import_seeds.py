"""python manage.py import_seeds [PATH ...] [--dry-run] [--publish] [--published-on YYYY-MM-DD]
[--kind timeline|release]"""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from importing.documents import SeedError
from importing.registry import kinds
from importing.runner import import_seeds


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--published-on {value!r} is not a YYYY-MM-DD date") from None


class Command(BaseCommand):
    help = (
        "Import seed documents (timelines and meeting press releases) as draft records. "
        "Safe to repeat: records an editor has changed are never overwritten."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths",
            nargs="*",
            metavar="PATH",
            help="Seed files or folders of .txt files (default: seeds/).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--publish", action="store_true", help="Publish what is created (for bootstrapping)."
        )
        parser.add_argument(
            "--published-on",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="Publication date of the files named on the command line (overrides the "
            "sources list); a press release takes its meeting's year from it.",
        )

        parser.add_argument(
            "--kind",
            choices=kinds(),
            help="Read every document as this kind, whatever it looks like (without it, each "
            "document's kind is recognised from its text, and a document that looks like "
            "both kinds, or neither, is refused).",
        )

    def handle(self, *args, **options):
        paths = options["paths"] or [Path(settings.BASE_DIR) / "seeds"]
        verbosity = options["verbosity"]
        progress = self.stdout.write if verbosity >= 1 else None
        try:
            report = import_seeds(
                paths,
                dry_run=options["dry_run"],
                publish=options["publish"],
                published_on=options["published_on"],
                kind=options["kind"],
                progress=progress,
            )
        except SeedError as error:
            raise CommandError(str(error)) from None
        if verbosity >= 2:
            for line in report.details:
                self.stdout.write(f"  {line}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(f"warning: {warning}"))
        if verbosity >= 1:
            style = self.style.SUCCESS if report.changed_anything else self.style.NOTICE
            self.stdout.write(style(report.summary()))
