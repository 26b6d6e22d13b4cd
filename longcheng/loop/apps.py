from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoopConfig(AppConfig):
    name = "longcheng.loop"
    label = "loop"
    verbose_name = _("闭环事项")

    def ready(self) -> None:
        from longcheng.web.home import register_home_alerts, register_home_cards, register_nav_items

        from . import scheduler
        from .selectors import loop_home_alerts, loop_home_cards, loop_nav_items

        register_home_cards(loop_home_cards, order=10)
        register_nav_items(loop_nav_items)
        register_home_alerts(loop_home_alerts)
        scheduler.start_if_configured()

        from .citizen_updates import matter_panel
        from .panels import register_matter_panel

        register_matter_panel(matter_panel)
