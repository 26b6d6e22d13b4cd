from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "longcheng.hotline"
    label = "hotline"
    verbose_name = _("12345接线工作台")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items

        from .views import hotline_nav_items

        register_nav_items(hotline_nav_items)
