from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "longcheng.projects"
    label = "projects"
    verbose_name = _("项目")

    def ready(self) -> None:
        from longcheng.routing.hooks import register_hotspot_action
        from longcheng.web.home import register_home_cards, register_nav_items
        from longcheng.web.queues import register_work_queues

        from .selectors import (
            problem_hotspot_action,
            projects_home_cards,
            projects_nav_items,
            projects_work_queues,
        )

        register_nav_items(projects_nav_items)
        register_home_cards(projects_home_cards, order=50)
        register_work_queues(projects_work_queues, order=50)
        register_hotspot_action(problem_hotspot_action)
