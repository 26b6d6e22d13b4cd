from django.core.management.base import BaseCommand

from longcheng.enforcement.services import enforcement_overdue_sweep


class Command(BaseCommand):
    help = (
        "Raise one supervision matter per case whose service, publication, withdrawal or "
        "on-the-spot report is overdue (idempotent)."
    )

    def handle(self, *args, **options):
        raised = enforcement_overdue_sweep()
        self.stdout.write(f"行政处罚逾期事项：新督办 {raised} 项。")
