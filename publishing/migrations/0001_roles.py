"""Create the Editor and Publisher groups with their permissions (publishing/roles.py)."""

from django.db import migrations

from publishing.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("milestones", "0001_initial"),
        ("meetings", "0001_initial"),
        ("pictures", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
