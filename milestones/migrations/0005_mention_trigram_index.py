"""Person and organisation pages find the milestones that mention them with an index.

`MilestoneQuerySet.containing_any()` asks for titles and bodies containing a name (LIKE
'%Sun Dong%'), which no B-tree index can answer: at 100,000 milestones each person's or
organisation's page read the whole table (60-80 ms). A trigram GIN index (PostgreSQL's
pg_trgm, a "trusted" extension that the database's owner may create since PostgreSQL 13)
answers such patterns, on either column. SQLite has no such index and still scans.
"""

from django.db import migrations

TABLE = "milestones_milestone"
INDEX = "milestones_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX {INDEX} ON {TABLE} USING gin (title gin_trgm_ops, body gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("milestones", "0004_stored_search_vector"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
