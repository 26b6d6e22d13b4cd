from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "longcheng.volunteers"
    label = "volunteers"
    verbose_name = _("志愿者")

    def ready(self) -> None:
        from longcheng.web.home import register_nav_items
        from longcheng.web.queues import register_work_queues

        from .selectors import (
            volunteers_judge_queues,
            volunteers_nav_items,
            volunteers_staff_queues,
        )

        register_nav_items(volunteers_nav_items)
        register_work_queues(volunteers_judge_queues, order=20, external=True)
        register_work_queues(volunteers_staff_queues, order=21)
