"""Load the Taiyuan demo data. Idempotent: running it again changes nothing that exists.

Each installed Longcheng app may ship a `demo.py` with `seed(log)`; they run in INSTALLED_APPS
order, which is the dependency order, so later modules build on earlier data."""

import logging
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Load the Taiyuan demo data (idempotent)."

    def handle(self, *args, **options):
        # Replaying history through the services "sends" hundreds of console SMS; keep quiet.
        logging.getLogger("longcheng.sms").setLevel(logging.WARNING)
        if not settings.LONGCHENG_DEMO:
            raise CommandError(
                "演示数据只能在演示模式下载入（LONGCHENG_DEMO=1）：演示账号的密码是公开的。"
            )
        for config in apps.get_app_configs():
            if not config.name.startswith("longcheng."):
                continue
            module_name = f"{config.name}.demo"
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(self.stdout.write)
        from longcheng.accounts.demo import ready_for_sign_in

        ready_for_sign_in(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
