"""python manage.py createeditor USERNAME --role editor|publisher [--email EMAIL]"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from publishing.roles import EDITOR, PUBLISHER

ROLE_GROUPS = {"editor": EDITOR, "publisher": PUBLISHER}


class Command(BaseCommand):
    help = (
        "Give a person an editorial role (creating the account if needed). Editors edit and "
        "send to review; publishers also publish, schedule and unpublish."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ROLE_GROUPS))
        parser.add_argument("--email", default="", help="E-mail address for a new account.")

    def handle(self, *args, username, role, email, **options):
        try:
            group = Group.objects.get(name=ROLE_GROUPS[role])
        except Group.DoesNotExist:
            raise CommandError(f"The {ROLE_GROUPS[role]} group is missing: run migrate.") from None
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": email, "is_staff": True}
        )
        if created:
            user.set_unusable_password()
            user.save()
        elif not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        # One role at a time: moving between roles replaces the other.
        user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS.values()))
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"{username} is now {'an' if group.name[0] in 'AEIOU' else 'a'} "
                f"{group.name.lower()}{' (new account)' * created}."
            )
        )
        if created:
            self.stdout.write(f"Set a password with: python manage.py changepassword {username}")
