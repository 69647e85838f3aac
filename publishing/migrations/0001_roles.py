"""Create the Editor and Publisher groups with their permissions (publishing/roles.py)."""

from django.db import migrations

from publishing.roles import sync_roles


class Migration(migrations.Migration):
    # Until 774364c this migration was hsitp_site's: a database that applied it there has
    # the groups already (and perhaps permissions an administrator changed since), so it is
    # marked applied instead of run again.
    replaces = [("hsitp_site", "0001_roles")]

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("milestones", "0001_initial"),
        ("meetings", "0001_initial"),
        ("pictures", "0001_initial"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
