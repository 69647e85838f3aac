"""The importers, by kind of document: each app registers its own from its AppConfig.ready()
(milestones: timelines; meetings: press releases), and the runner and the desk look them up
here, so that this app imports none of them.

Which importer reads a document (`kind_of`): the one named (`--kind`, the desk's choice),
unless the text shows only another kind's signs; else the one whose *signs* the text
shows (what documents of that kind have and others never do: a press release's "today
(August 30)", its "Ends/"), which must then read it or refuse it, never hand it to
another; else the first that recognises the text's form. A text with the signs of two
kinds, or recognised by none, is refused, saying what it looks
like and how to name its kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from importing.documents import SeedDocument, SeedError


def _no_signs(text: str) -> list[str]:
    return []


@dataclass(frozen=True)
class Importer:
    kind: str  # how the kind is named (`--kind`, progress lines): "timeline"
    description: str  # for refusals: "a timeline (one milestone per paragraph)"
    recognises: Callable[[str], bool]  # from the text alone
    run: Callable[..., None]  # run(document, report, *, publish)
    permission: str  # what an editor needs to import this kind at the desk: "app.add_model"
    # Recognisers are tried from the lowest `order` up: the strictest first, so that a
    # looser one (a timeline is any list of paragraphs) is asked only when it failed.
    order: int = 100
    # What in the text shows this kind, in an editor's words ('it says "today"'): signs no
    # other kind's documents have. None found: [].
    signs: Callable[[str], list[str]] = _no_signs


_importers: dict[str, Importer] = {}


def register(importer: Importer) -> None:
    """Make an importer known (again, from a second ready(), replaces it)."""
    _importers[importer.kind] = importer


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda importer: importer.order)


def kinds() -> list[str]:
    """The kinds an import may name (`--kind`)."""
    return [importer.kind for importer in importers()]


def kind_of(document: SeedDocument, kind: str | None = None) -> tuple[str, Callable[..., None]]:
    """The kind of `document` and its importer (see the module's docstring), or SeedError
    saying what the document looks like and how to name its kind."""
    choices = "|".join(kinds())
    shown = {imp.kind: signs for imp in importers() if (signs := imp.signs(document.text))}
    if kind:
        if kind not in _importers:
            raise SeedError(document.path, f"unknown kind {kind!r}: the kinds are {choices}")
        # Named, a kind decides a document that shows signs of several kinds, or none; not
        # one that shows only another kind's (a release is never read as a timeline).
        if shown and kind not in shown:
            (other,) = list(shown)[:1]
            raise SeedError(
                document.path,
                f"it reads as {_importers[other].description} ({'; '.join(shown[other])}), "
                f"not as {_importers[kind].description}, so it was not imported",
                1,
            )
        return kind, _importers[kind].run
    if len(shown) > 1:
        looks = " and of ".join(
            f"{_importers[name].description} ({'; '.join(signs)})" for name, signs in shown.items()
        )
        raise SeedError(
            document.path,
            f"it shows signs of {looks}, so it was not imported; if you know which it is, "
            f"import it with --kind {choices}",
            1,
        )
    if shown:
        (name,) = shown
        return name, _importers[name].run
    for importer in importers():
        if importer.recognises(document.text):
            return importer.kind, importer.run
    # Loosest first ("neither a timeline ... nor a meeting press release").
    described = " nor ".join(importer.description for importer in reversed(importers()))
    raise SeedError(
        document.path,
        f"unknown kind of document: neither {described}; if you know which it is, import it "
        f"with --kind {choices}",
        1,
    )


def desk_permissions() -> tuple[str, ...]:
    """What an editor needs to import at the desk: to add what every importer creates."""
    return tuple(importer.permission for importer in importers())
