"""The curated data that ships with the project (`*/fixtures/curated_*.json`).

`make run` loads it after importing the seeds. Each version of the fixtures (their SHA-256)
is loaded once: running again leaves what editors have changed since, and a new version of
the files is loaded when it arrives. Every object loaded gets a revision ("curated data
<version>"), since Django's loaddata saves without the history the admin relies on:
otherwise the first editor to touch an item would be shown as the author of the whole
curation, and the curated version could not be restored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_save

REASON = "curated data"


def default_fixtures() -> list[Path]:
    return sorted(Path(settings.BASE_DIR).glob("*/fixtures/curated_*.json"))


def fixtures_version(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:12]


def _models_with_history() -> list:
    return [model for model in apps.get_models() if hasattr(model, "history")]


@dataclass
class CuratedLoad:
    version: str
    loaded: int = 0  # objects saved; 0 when this version was loaded before
    skipped: bool = False


def load_curated(paths: list[Path] | None = None, *, force: bool = False) -> CuratedLoad:
    """Load the curated fixtures, unless this version of them was loaded before."""
    paths = [Path(path) for path in (paths or default_fixtures())]
    version = fixtures_version(paths)
    reason = f"{REASON} {version}"
    tracked = _models_with_history()
    if not force and any(
        model.history.filter(history_change_reason=reason).exists() for model in tracked
    ):
        return CuratedLoad(version, skipped=True)

    saved: dict[type, list] = {}

    def keep(sender, instance, raw=False, **kwargs):
        if raw and sender in tracked:
            saved.setdefault(sender, []).append(instance)

    uid = "hsitp_curated_load"
    post_save.connect(keep, weak=False, dispatch_uid=uid)
    try:
        with transaction.atomic():
            call_command("loaddata", *map(str, paths), verbosity=0)
            for model, objects in saved.items():
                model.history.bulk_history_create(
                    objects, update=True, default_change_reason=reason
                )
    finally:
        post_save.disconnect(dispatch_uid=uid)
    return CuratedLoad(version, loaded=sum(map(len, saved.values())))
