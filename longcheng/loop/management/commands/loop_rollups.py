"""Check or rebuild the cockpit's roll-ups (run --rebuild once after upgrading to a version
that adds them, and after writing matters outside loop.services)."""

import time

from django.core.management.base import BaseCommand, CommandError

from longcheng.loop import map_tally, rollups


class Command(BaseCommand):
    help = (
        "Verify (default) or rebuild the cockpit roll-ups and the map's cell tally from "
        "matters and events."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild=False, **options):
        started = time.perf_counter()
        if rebuild:
            matters, days = rollups.rebuild()
            cells = map_tally.rebuild()
            self.stdout.write(
                f"rebuilt: {matters} matter tally rows, {days} unit-day rows, "
                f"{cells} map cell rows "
                f"in {time.perf_counter() - started:.1f} s"
            )
            return
        problems = rollups.differences()
        if problems:
            raise CommandError("roll-ups differ from the source:\n" + "\n".join(problems))
        self.stdout.write(f"roll-ups exact ({time.perf_counter() - started:.1f} s)")
