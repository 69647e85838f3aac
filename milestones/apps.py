from django.apps import AppConfig


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = "Timeline"

    def ready(self):
        from importing.registry import Importer, register
        from milestones.parsing import looks_like_timeline, timeline_signs
        from milestones.services import import_timeline

        register(
            Importer(
                kind="timeline",
                description="a timeline (one milestone per paragraph)",
                recognises=looks_like_timeline,
                signs=timeline_signs,
                run=import_timeline,
                permission="milestones.add_milestone",
                order=200,  # any list of paragraphs: asked after the stricter kinds
            )
        )
