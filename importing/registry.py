"""The importers, by kind of document: each app registers its own from its AppConfig.ready()
(milestones: timelines; meetings: press releases), and the runner and the desk look them up
here, so that this app imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from importing.documents import SeedDocument, SeedError


@dataclass(frozen=True)
class Importer:
    kind: str  # how the kind is named in progress lines: "timeline"
    description: str  # for the refusal of a document no importer knows: "a timeline (...)"
    recognises: Callable[[str], bool]  # from the text alone
    run: Callable[..., None]  # run(document, report, *, publish)
    permission: str  # what an editor needs to import this kind at the desk: "app.add_model"
    # Recognisers are tried from the lowest `order` up: the strictest first, so that a
    # looser one (a timeline is any list of paragraphs) is asked only when it failed.
    order: int = 100


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Make an importer known (again, from a second ready(), replaces it)."""
    _importers[importer.kind] = importer


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda importer: importer.order)


def kind_of(document: SeedDocument) -> tuple[str, Callable[..., None]]:
    """The kind of `document` and its importer, or SeedError if no importer knows it."""
    for importer in importers():
        if importer.recognises(document.text):
            return importer.kind, importer.run
    # Loosest first ("neither a timeline ... nor a meeting press release").
    kinds = " nor ".join(importer.description for importer in reversed(importers()))
    raise SeedError(document.path, f"unknown kind of document: neither {kinds}", 1)


def desk_permissions() -> tuple[str, ...]:
    """What an editor needs to import at the desk: to add what every importer creates."""
    return tuple(importer.permission for importer in importers())
