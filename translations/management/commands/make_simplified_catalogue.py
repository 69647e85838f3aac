"""Write locale/zh_Hans/LC_MESSAGES/django.po from the Traditional Chinese catalogue."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from translations.catalogue import simplified_catalogue

TRADITIONAL = Path("zh_Hant/LC_MESSAGES/django.po")
SIMPLIFIED = Path("zh_Hans/LC_MESSAGES/django.po")


class Command(BaseCommand):
    help = (
        "Make the Simplified Chinese interface catalogue from the Traditional one with "
        "OpenCC (run after editing locale/zh_Hant; then compilemessages)."
    )

    def handle(self, *args, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        target = locale / SIMPLIFIED
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(simplified_catalogue((locale / TRADITIONAL).read_text("utf-8")), "utf-8")
        self.stdout.write(f"Wrote {target}")
