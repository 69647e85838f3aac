"""Every milestone gets a stable identifier (PublishableItem.uid): what the calendar's UIDs and the
feeds' ids are made from, since a published item's slug may now change (issue 17).

Added empty, filled one row at a time (a default would give every row the same value),
then made required and unique. A revision keeps the uid of its item, so that the history
reads as one item's."""

import uuid

from django.db import migrations, models


def fill_uids(apps, schema_editor):
    Item = apps.get_model("milestones", "milestone")
    History = apps.get_model("milestones", "historicalmilestone")
    for item in Item.objects.only("pk").iterator():
        item.uid = uuid.uuid4()
        item.save(update_fields=["uid"])
    uids = dict(Item.objects.values_list("pk", "uid"))
    for version in History.objects.only("history_id", "id").iterator():
        version.uid = uids.get(version.id) or uuid.uuid4()  # a deleted item's: its own
        version.save(update_fields=["uid"])


class Migration(migrations.Migration):
    dependencies = [("milestones", "0010_updated_index")]

    operations = [
        migrations.AddField(
            model_name="milestone",
            name="uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="stable identifier"),
        ),
        migrations.AddField(
            model_name="historicalmilestone",
            name="uid",
            field=models.UUIDField(editable=False, null=True, verbose_name="stable identifier"),
        ),
        migrations.RunPython(fill_uids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="milestone",
            name="uid",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="stable identifier"
            ),
        ),
        migrations.AlterField(
            model_name="historicalmilestone",
            name="uid",
            field=models.UUIDField(
                db_index=True, default=uuid.uuid4, editable=False, verbose_name="stable identifier"
            ),
        ),
    ]
