from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "longcheng.funds"
    label = "funds"
    verbose_name = _("基金")

    def ready(self) -> None:
        from longcheng.web.home import register_home_cards, register_nav_items

        from .selectors import funds_home_cards, funds_nav_items

        register_nav_items(funds_nav_items)
        register_home_cards(funds_home_cards, order=40)
