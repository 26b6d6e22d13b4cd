from django.core.management.base import BaseCommand, CommandError

from longcheng.audit.anchors import anchor_head, verify_against_anchors
from longcheng.audit.chain import verify_stored_chain

REASONS = {
    "prev_hash": "与前一条记录的哈希不衔接",
    "hash": "内容与哈希不符（记录被改动）",
    "unkeyed": "启用密钥后出现未加密钥的记录（链被降级改写）",
    "key": "签名密钥未配置（或记录的密钥编号被改动）",
}


class Command(BaseCommand):
    help = (
        "Walk the audit chain, check it against the heads anchored outside the database, "
        "name the first broken link, then anchor today's head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-anchor", action="store_true", help="check only; write no new head"
        )

    def handle(self, *args, **options):
        count, broken = verify_stored_chain()
        if broken is not None:
            raise CommandError(
                f"审计链在第 {count} 条记录（id={broken.record_id}）处断裂："
                f"{REASONS.get(broken.reason, broken.reason)}。此前 {count - 1} 条完好。"
            )
        contradiction = verify_against_anchors()
        if contradiction is not None:
            raise CommandError(f"审计链与库外锚点不符：{contradiction}。")
        head = None if options["no_anchor"] else anchor_head()
        anchored = f"；已锚定链头 #{head.last_id} {head.last_hash[:16]}…" if head else ""
        self.stdout.write(self.style.SUCCESS(f"审计链完整：共校验 {count} 条记录{anchored}。"))
