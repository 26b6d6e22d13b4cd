from django.apps import apps
from django.core.management.base import BaseCommand

from longcheng.core import crypto
from longcheng.core.fields import encrypted_fields, reseal


class Command(BaseCommand):
    help = (
        "Re-encrypt ID numbers and phones with the current key (the first of "
        "LONGCHENG_FIELD_KEYS) and recompute their blind indexes. Rotation: put the new key "
        "first, keep the old one after it, run this, then remove the old key."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--generate",
            metavar="KEY_ID",
            help="only print a new random key as KEY_ID:base64 for LONGCHENG_FIELD_KEYS",
        )
        parser.add_argument(
            "--reindex",
            action="store_true",
            help="rewrite every row, not only stale ones (after LONGCHENG_BLIND_INDEX_KEY changed)",
        )

    def handle(self, *args, generate=None, reindex=False, **options):
        if generate:
            self.stdout.write(crypto.generate_key_line(generate))
            return
        from longcheng.audit.models import Action
        from longcheng.audit.services import audit_record

        counts = {}
        for model in apps.get_models():
            if encrypted_fields(model):
                counts[model._meta.label] = reseal(model, everything=reindex)
                self.stdout.write(f"{model._meta.label}: {counts[model._meta.label]} 行已重写")
        audit_record(
            actor=None,
            actor_repr="rotate_field_keys",
            action=Action.KEY_ROTATION,
            object_type="field_keys",
            object_repr=crypto.current_key_id(),
            detail={"rewritten": counts, "reindex": reindex},
        )
