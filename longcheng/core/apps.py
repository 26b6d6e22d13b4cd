from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "longcheng.core"
    label = "core"
    verbose_name = _("基础数据")

    def ready(self) -> None:
        from . import bounds

        bounds.connect()
