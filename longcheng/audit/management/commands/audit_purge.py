import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from longcheng.audit.services import audit_purge
from longcheng.core.errors import LongchengError


class Command(BaseCommand):
    help = "Remove audit records older than a date (six calendar months at least); leave an anchor."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD (local time)")
        parser.add_argument("--yes", action="store_true", help="confirm the removal")

    def handle(self, *args, before: str, yes: bool, **options):
        try:
            day = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError("--before 应为 YYYY-MM-DD。") from None
        if not yes:
            raise CommandError("清理不可撤销：确认后加 --yes 再运行。")
        moment = datetime.datetime.combine(
            day, datetime.time.min, tzinfo=timezone.get_current_timezone()
        )
        try:
            anchor = audit_purge(before=moment, actor_repr="manage.py audit_purge")
        except LongchengError as refused:
            raise CommandError(refused.message) from None
        self.stdout.write(
            f"已清理 {anchor.count} 条审计记录（至 id={anchor.purged_through_id}），"
            f"锚点 {anchor.anchor_hash[:16]}…"
        )
