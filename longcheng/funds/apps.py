from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "longcheng.funds"
    label = "funds"
    verbose_name = _("基金")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items
        from longcheng.web.queues import register_work_queues

        from .selectors import funds_nav_items, funds_work_queues

        register_nav_items(funds_nav_items)
        register_work_queues(funds_work_queues, order=55)
