from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "longcheng.inspections"
    label = "inspections"
    verbose_name = _("检查")

    def ready(self) -> None:
        from longcheng.web.home import register_home_cards, register_nav_items
        from longcheng.web.queues import register_work_queues

        from .selectors import (
            inspections_home_cards,
            inspections_nav_items,
            inspections_work_queues,
        )

        register_nav_items(inspections_nav_items)
        register_home_cards(inspections_home_cards, order=40)
        register_work_queues(inspections_work_queues, order=40)
