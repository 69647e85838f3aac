"""The two editorial roles and what each may do, defined once.

Editor: adds and changes milestones, meetings, people, organisations and pictures, and sends
work to review; cannot publish or unpublish. Publisher: everything an editor does, plus
publish, schedule and unpublish (and delete). Superusers can do everything.
The groups are created by a data migration (publishing/migrations), so every database has
them; `manage.py createeditor` puts a person in one.
"""

EDITOR = "Editor"
PUBLISHER = "Publisher"

_EDIT = ["view", "add", "change"]
EDITOR_PERMISSIONS = {
    "milestones": {"milestone": _EDIT, "mergedparagraph": ["view"]},
    "meetings": {
        "meeting": _EDIT,
        "meetingseries": _EDIT,
        "person": _EDIT,
        "organization": _EDIT,
        "attendance": [*_EDIT, "delete"],
        "meetingphoto": [*_EDIT, "delete"],
    },
    "pictures": {"picture": [*_EDIT, "delete"]},
}
PUBLISHER_EXTRA = {
    "milestones": {"milestone": ["publish", "delete"]},
    "meetings": {"meeting": ["publish", "delete"]},
}
ROLES = {EDITOR: [EDITOR_PERMISSIONS], PUBLISHER: [EDITOR_PERMISSIONS, PUBLISHER_EXTRA]}


def codenames(spec: dict) -> list[tuple[str, str]]:
    """[(app_label, codename)] from {app: {model: [actions]}}."""
    return [
        (app, f"{action}_{model}")
        for app, models in spec.items()
        for model, actions in models.items()
        for action in actions
    ]


def sync_roles(apps, schema_editor=None) -> None:
    """Create or update the groups with exactly their permissions (safe to run again)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, specs in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = [pair for spec in specs for pair in codenames(spec)]
        permissions = []
        for app_label, codename in wanted:
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
