from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self):
        from importing.registry import Importer, register
        from meetings import mention_index
        from meetings.chinese_release import import_release
        from meetings.models import Meeting, Organization, Person
        from meetings.parsing_zh import looks_like_a_release, release_signs_in_either_language
        from publishing.alongside import register_alongside
        from publishing.mentions import register_mentionable

        register(
            Importer(
                kind="release",
                description="a meeting press release (in English or Chinese)",
                recognises=looks_like_a_release,
                signs=release_signs_in_either_language,
                run=import_release,
                permission="meetings.add_meeting",
                order=100,
            )
        )
        # The timeline shows each year's meetings beside its milestones.
        register_alongside(
            "meetings", lambda years: Meeting.objects.published().held_in_years(years)
        )
        # Texts elsewhere (milestones) link the bodies and people they mention to their pages.
        register_mentionable("organisations", lambda: Organization.objects.public())
        register_mentionable("people", lambda: Person.objects.public())
        # ...and their pages list the milestones that mention them, from an index kept up
        # to date as texts and names change.
        mention_index.connect()
