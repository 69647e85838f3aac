"""Small database chores that the ORM has no word for."""

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.dispatch import Signal

# Sent by `after_bulk_write()`, in the writer's transaction: what is derived from the
# content (meetings' index of mentions) is brought up to date, as the model signals that
# bulk_create does not send would have done.
bulk_written = Signal()


def serialise(key: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Make another transaction that asks with the same `key` wait until this one has
    committed, so that it then reads what this one wrote.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback (also when
    the process dies). SQLite: the settings begin every transaction IMMEDIATE, which takes
    the database's one write lock at once; the other writer waits for it (busy timeout).
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def after_bulk_write(using: str = DEFAULT_DB_ALIAS) -> None:
    """After rows were written without their model signals (bulk_create, loaddata's raw
    saves): derived data brought up to date, then the planner's statistics refreshed."""
    bulk_written.send(sender=None, using=using)
    refresh_statistics(using)


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """After a bulk write, tell the query planner how big the tables now are (ANALYZE).

    SQLite keeps no statistics until ANALYZE runs, and without them it guesses: at 10,000
    milestones it read the timeline through the (state, published_at) index and sorted every
    public milestone (15 ms) instead of walking the (sort_key, ...) index to the first 100
    (1 ms). ANALYZE of the whole database takes about 60 ms at that size.

    PostgreSQL's autovacuum analyses changed tables by itself, but only a while later: just
    after 100,000 milestones were written, its statistics still counted none published, and
    search read every published row instead of the GIN index's matches (190 ms, not 110).
    Its documentation advises ANALYZE after a bulk load; only the content tables are
    analysed (the shared catalogues need a superuser).

    Runs when the surrounding transaction commits (at once outside one), never on rollback.
    """
    connection = connections[using]
    if connection.vendor == "sqlite":
        statement = "ANALYZE"
    elif connection.vendor == "postgresql":
        tables = [
            connection.ops.quote_name(model._meta.db_table)
            for label in settings.CONTENT_APPS  # the tables bulk writes fill
            for model in apps.get_app_config(label).get_models()
        ]
        statement = f"ANALYZE {', '.join(tables)}"
    else:
        return

    def analyse():
        with connection.cursor() as cursor:
            cursor.execute(statement)

    transaction.on_commit(analyse, using=using)
