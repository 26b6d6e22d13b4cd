from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OpsConfig(AppConfig):
    name = "longcheng.ops"
    verbose_name = "运行监控"

    def ready(self) -> None:
        from .repair import repair_after_migrate

        # After every migration, rows no page could read are repaired (ops.repair).
        post_migrate.connect(repair_after_migrate, sender=self, dispatch_uid="ops.repair")
