"""Small database chores that the ORM has no word for."""

from django.db import DEFAULT_DB_ALIAS, connections, transaction


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """After a bulk write, tell SQLite's query planner how big the tables now are.

    SQLite keeps no statistics until ANALYZE runs, and without them it guesses: at 10,000
    milestones it read the timeline through the (state, published_at) index and sorted every
    public milestone (15 ms) instead of walking the (sort_key, ...) index to the first 100
    (1 ms). ANALYZE of the whole database takes about 60 ms at that size. PostgreSQL's
    autovacuum analyses changed tables by itself, so nothing is done there.

    Runs when the surrounding transaction commits (at once outside one), never on rollback.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return

    def analyse():
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    transaction.on_commit(analyse, using=using)
