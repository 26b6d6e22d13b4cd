from django.core.management.base import BaseCommand, CommandError

from longcheng.audit.chain import verify_stored_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain and name the first broken link."

    def handle(self, *args, **options):
        count, broken = verify_stored_chain()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {count} 条记录。"))
            return
        reason = (
            "与前一条记录的哈希不衔接"
            if broken.reason == "prev_hash"
            else "内容与哈希不符（记录被改动）"
        )
        raise CommandError(
            f"审计链在第 {count} 条记录（id={broken.record_id}）处断裂：{reason}。"
            f"此前 {count - 1} 条完好。"
        )
