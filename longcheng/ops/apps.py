from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "longcheng.ops"
    verbose_name = "运行监控"
