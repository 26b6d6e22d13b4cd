from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "longcheng.appeals"
    label = "appeals"
    verbose_name = _("营商环境诉求")

    def ready(self) -> None:
        from longcheng.web.home import register_home_cards, register_nav_items

        from .selectors import appeals_nav_items, supervisor_home_cards

        register_nav_items(appeals_nav_items)
        register_home_cards(supervisor_home_cards, order=15, external=True)

        from longcheng.loop.search import register_identifier_finder

        from .selectors import tracking_code_condition

        register_identifier_finder(tracking_code_condition)

        from longcheng.loop.citizen_updates import register_tracking_link

        from .public_views import matter_link

        register_tracking_link(matter_link)
