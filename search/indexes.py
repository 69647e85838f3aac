"""SQLite's full-text indexes of what search reads (publishing/fts.py), kept after migrate."""

from django.db import connections

from publishing.fts import ensure_fts
from search.services import FULL_TEXT_INDEXED


def full_text_indexes(sender, using="default", **kwargs) -> None:
    """After every migrate (post_migrate): each index made, or made again if a migration
    rebuilt its table or search reads other texts now."""
    for model, texts in FULL_TEXT_INDEXED.items():
        titles, others = texts()
        ensure_fts(connections[using], model._meta.db_table, [*titles, *others])
