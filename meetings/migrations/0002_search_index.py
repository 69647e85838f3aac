"""Full-text search index for meetings, on PostgreSQL only (SQLite has no GIN indexes and
searches by substring instead).

The expression is frozen here; it must stay identical to `meeting_vector()` in
search/backends.py, or the planner cannot use the index (tests/test_search.py checks the
plan). Change both together, in a new migration.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(
    SearchVector("title", weight="A", config="english")
    + SearchVector("place", weight="B", config="english")
    + SearchVector("summary", weight="B", config="english")
    + SearchVector("full_text", weight="C", config="english"),
    name="meetings_search_gin",
)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("meetings", "Meeting"), INDEX)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("meetings", "Meeting"), INDEX)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
