from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnforcementConfig(AppConfig):
    name = "longcheng.enforcement"
    label = "enforcement"
    verbose_name = _("执法")

    def ready(self) -> None:
        from longcheng.inspections.hooks import register_case_transfer
        from longcheng.web.home import register_home_cards, register_nav_items
        from longcheng.web.queues import register_work_queues

        from .selectors import (
            enforcement_home_cards,
            enforcement_nav_items,
            enforcement_work_queues,
        )
        from .services import transfer_from_inspection

        register_case_transfer(transfer_from_inspection)
        register_nav_items(enforcement_nav_items)
        register_home_cards(enforcement_home_cards, order=45)
        register_work_queues(enforcement_work_queues, order=45)
