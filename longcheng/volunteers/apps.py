from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "longcheng.volunteers"
    label = "volunteers"
    verbose_name = _("志愿者")

    def ready(self) -> None:
        from longcheng.web.home import register_home_cards, register_nav_items

        from .selectors import (
            volunteers_home_cards,
            volunteers_nav_items,
            volunteers_staff_cards,
        )

        register_nav_items(volunteers_nav_items)
        register_home_cards(volunteers_home_cards, order=20, external=True)
        register_home_cards(volunteers_staff_cards, order=21)
