from django.core.management.base import BaseCommand

from longcheng.core.data_retention import categories
from longcheng.ops.purge import retention_purge


class Command(BaseCommand):
    help = "Clear personal data kept longer than its category's retention period."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count, change nothing")

    def handle(self, *args, dry_run=False, **options):
        periods = {str(c.name): c.days for c in categories()}
        for name, count in retention_purge(dry_run=dry_run).items():
            verb = "将清除" if dry_run else "已清除"
            self.stdout.write(f"{name}（保存 {periods[name]} 天）：{verb} {count} 条")
