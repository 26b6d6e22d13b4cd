from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "longcheng.parties"
    label = "parties"
    verbose_name = _("主体登记")

    def ready(self) -> None:
        from longcheng.web.home import NAV_REGISTERS, register_home_cards, register_nav_items

        from .navigation import parties_nav_items
        from .selectors import party_home_cards

        register_home_cards(party_home_cards)
        register_nav_items(parties_nav_items, position=NAV_REGISTERS)
