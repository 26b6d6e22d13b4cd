import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from longcheng.routing.hotspots import hotspots_compute


class Command(BaseCommand):
    help = "Compute the hot spots of the last N days (default 7)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days=7, **options):
        end = timezone.now()
        report = hotspots_compute(start=end - datetime.timedelta(days=days), end=end)
        self.stdout.write(
            f"{report.matters} 件事项，{len(report.clusters)} 个热点，用时 {report.seconds} 秒。"
        )
