"""Full-text search on PostgreSQL reads a stored vector instead of computing one (see
milestones/migrations/0004_stored_search_vector.py): ranking no longer parses every matching
release's full text again. The expression is the one 0002 froze."""

from django.db import migrations

TABLE = "meetings_meeting"
VECTOR = (
    "setweight(to_tsvector('english'::regconfig, COALESCE(title, '')::text), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(place, '')::text), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(summary, '')::text), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(full_text, '')::text), 'C')"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute("DROP INDEX IF EXISTS meetings_search_gin")
    schema_editor.execute(f"CREATE INDEX meetings_search_gin ON {TABLE} USING gin (search_vector)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN search_vector")
    schema_editor.execute(f"CREATE INDEX meetings_search_gin ON {TABLE} USING gin (({VECTOR}))")


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0003_organization_listed"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
