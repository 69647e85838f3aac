from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from importing.registry import Importer, register
        from meetings.models import Organization, Person
        from meetings.parsing import looks_like_meeting_release, release_signs
        from meetings.services import import_meeting_release
        from publishing.mentions import register_mentionable

        register(
            Importer(
                kind="release",
                description="a meeting press release",
                recognises=looks_like_meeting_release,
                signs=release_signs,
                run=import_meeting_release,
                permission="meetings.add_meeting",
                order=100,
            )
        )
        # Texts elsewhere (milestones) link the bodies and people they mention to their pages.
        register_mentionable("organisations", lambda: Organization.objects.public())
        register_mentionable("people", lambda: Person.objects.public())
