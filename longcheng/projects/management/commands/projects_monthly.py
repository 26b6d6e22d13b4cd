from django.core.management.base import BaseCommand

from longcheng.projects.services import monthly_cycle


class Command(BaseCommand):
    help = "Ask units for last month's project figures and colour the projects (idempotent)."

    def handle(self, *args, **options):
        result = monthly_cycle()
        self.stdout.write(
            f"调度通知 {result['requests']} 个单位；三色："
            f"红 {result['red']}、黄 {result['yellow']}、绿 {result['green']}。"
        )
