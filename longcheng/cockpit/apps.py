from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "longcheng.cockpit"
    label = "cockpit"
    verbose_name = _("驾驶舱")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items

        from .panels import cockpit_nav_items

        register_nav_items(cockpit_nav_items)
