"""python manage.py generate_history --milestones N --meetings M [--seed S] [--people P]
[--organisations O]: realistic, deterministic synthetic history (operations/synthetic.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from operations.synthetic import AlreadyGenerated, generate_history


def count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Add synthetic milestones, meetings, people, organisations and attendances (for load "
        "tests and benchmarks). Deterministic: the same seed gives the same history."
    )

    def add_arguments(self, parser):
        parser.add_argument("--milestones", type=count, required=True, metavar="N")
        parser.add_argument("--meetings", type=count, required=True, metavar="M")
        parser.add_argument("--seed", type=int, default=1, metavar="S")
        parser.add_argument(
            "--people", type=count, metavar="P", help="Default: a third of the meetings."
        )
        parser.add_argument(
            "--organisations", type=count, metavar="O", help="Default: a tenth of the meetings."
        )

    def handle(self, *args, **options):
        started = time.perf_counter()
        progress = self.stdout.write if options["verbosity"] >= 2 else None
        try:
            made = generate_history(
                milestones=options["milestones"],
                meetings=options["meetings"],
                seed=options["seed"],
                people=options["people"],
                organisations=options["organisations"],
                progress=progress,
            )
        except AlreadyGenerated as error:
            raise CommandError(f"{error} Choose another --seed.") from None
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Generated {made.summary()} in {elapsed:.1f} s.")
