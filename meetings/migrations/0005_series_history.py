"""Meeting series get a revision history, as every other thing the public reads has, so
that their edits are guarded and wait for review; each existing series starts it with one
revision of itself as it is."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def first_revisions(apps, schema_editor):
    series = apps.get_model("meetings", "MeetingSeries")
    history = apps.get_model("meetings", "HistoricalMeetingSeries")
    now = timezone.now()
    history.objects.bulk_create(
        history(
            id=row.pk,
            name=row.name,
            slug=row.slug,
            history_date=now,
            history_type="+",
            history_change_reason="History begins",
        )
        for row in series.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_stored_search_vector"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalMeetingSeries",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        auto_created=True, blank=True, db_index=True, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(db_index=True, max_length=300)),
                ("slug", models.SlugField(max_length=100)),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical meeting series",
                "verbose_name_plural": "historical meeting series",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(first_revisions, migrations.RunPython.noop),
    ]
