from django.core.management.base import BaseCommand

from longcheng.inspections.services import draws_publication_sweep


class Command(BaseCommand):
    help = "Raise one supervision matter per campaign whose draw is published late (idempotent)."

    def handle(self, *args, **options):
        raised = draws_publication_sweep()
        self.stdout.write(f"双随机抽取记录逾期未公示：新督办 {raised} 项。")
